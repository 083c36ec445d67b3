package dev.shuttle.websocket.internal.client;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.net.URI;
import java.nio.file.Path;
import java.util.Random;
import java.util.concurrent.TimeUnit;

import javax.net.ssl.SSLException;

import dev.shuttle.websocket.CloseCode;
import dev.shuttle.websocket.WebSocket;
import dev.shuttle.websocket.WebSocketClient;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/** The client against Jetty 12's WebSocket server, plain and over TLS with a certificate made for the test. */
@Timeout(120)
class ClientJettyTest {
    private static Path goodCert;
    private static Path wrongHostCert;

    @BeforeAll
    static void certificates() {
        goodCert = JettyPeer.localhostCert();
        wrongHostCert = JettyPeer.wrongHostCert();
    }

    /** Text and binary echoes at a few sizes up to 1 MiB, then a close in the given direction. */
    private static void echoAndClose(WebSocketClient.Builder builder, URI uri, JettyPeer jetty, boolean clientCloses) throws Exception {
        Recorder r = new Recorder();
        WebSocket ws = builder.handler(r).build().connect(uri);
        for (int size : new int[] {0, 125, 126, 65536, 1 << 20}) {
            byte[] bytes = new byte[size];
            new Random(size).nextBytes(bytes);
            String text = "x".repeat(size);
            ws.write(text);
            assertEquals(text, r.next().text());
            ws.write(bytes);
            Recorder.Message m = r.next();
            assertTrue(m.binary());
            assertArrayEquals(bytes, m.data());
        }
        byte[] ping = {9, 8, 7};
        ws.ping(ping);
        assertArrayEquals(ping, r.nextPong());
        if (clientCloses) {
            ws.close(CloseCode.NORMAL, "done");
            Recorder.Closed closed = r.awaitClosed();
            assertEquals(CloseCode.NORMAL, closed.code());
            assertNull(closed.cause());
            assertEquals(CloseCode.NORMAL, jetty.closeCode.get(10, TimeUnit.SECONDS));
        } else {
            ws.write("bye");
            Recorder.Closed closed = r.awaitClosed();
            assertEquals(4001, closed.code());
            assertEquals("bye from jetty", closed.reason());
            assertNull(closed.cause());
        }
        assertFalse(ws.isOpen());
    }

    @Test
    void plainEchoAndClientClose() throws Exception {
        try (JettyPeer jetty = new JettyPeer(null)) {
            echoAndClose(WebSocketClient.builder(), URI.create("ws://127.0.0.1:" + jetty.port() + "/"), jetty, true);
        }
    }

    @Test
    void plainServerClose() throws Exception {
        try (JettyPeer jetty = new JettyPeer(null)) {
            echoAndClose(WebSocketClient.builder(), URI.create("ws://127.0.0.1:" + jetty.port() + "/"), jetty, false);
        }
    }

    @Test
    void wssEchoAndBothCloses() throws Exception {
        try (JettyPeer jetty = new JettyPeer(goodCert)) {
            URI uri = URI.create("wss://127.0.0.1:" + jetty.port() + "/");
            WebSocketClient.Builder tls = WebSocketClient.builder().sslContext(JettyPeer.trusting(goodCert));
            echoAndClose(tls, uri, jetty, true);
            echoAndClose(WebSocketClient.builder().sslContext(JettyPeer.trusting(goodCert)), uri, jetty, false);
        }
    }

    @Test
    void wssRefusesACertificateForAnotherHost() throws Exception {
        try (JettyPeer jetty = new JettyPeer(wrongHostCert)) {
            URI uri = URI.create("wss://127.0.0.1:" + jetty.port() + "/");
            WebSocketClient verifying = WebSocketClient.builder().sslContext(JettyPeer.trusting(wrongHostCert)).build();
            SSLException e = assertThrows(SSLException.class, () -> verifying.connect(uri));
            assertTrue(String.valueOf(e.getMessage()).contains("127.0.0.1"), String.valueOf(e)); // "no subject alternative names matching IP address 127.0.0.1"
            // The same trusted certificate passes once hostname verification is off: the host was the only fault.
            WebSocket ws = WebSocketClient.builder().sslContext(JettyPeer.trusting(wrongHostCert))
                    .hostnameVerification(false).build().connect(uri);
            ws.close();
        }
    }

    @Test
    void wssRefusesAnUntrustedCertificate() throws Exception {
        try (JettyPeer jetty = new JettyPeer(goodCert)) {
            URI uri = URI.create("wss://127.0.0.1:" + jetty.port() + "/");
            assertThrows(SSLException.class, () -> WebSocketClient.builder().build().connect(uri));
        }
    }
}
