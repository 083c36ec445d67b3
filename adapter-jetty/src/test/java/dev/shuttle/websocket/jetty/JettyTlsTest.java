package dev.shuttle.websocket.jetty;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.CompletableFuture;

import dev.shuttle.websocket.WebSocket;
import dev.shuttle.websocket.WebSocketServer;
import org.eclipse.jetty.server.HttpConfiguration;
import org.eclipse.jetty.server.HttpConnectionFactory;
import org.eclipse.jetty.server.SecureRequestCustomizer;
import org.eclipse.jetty.server.Server;
import org.eclipse.jetty.server.ServerConnector;
import org.eclipse.jetty.server.SslConnectionFactory;
import org.eclipse.jetty.util.ssl.SslContextFactory;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/** wss through Jetty's SslConnectionFactory: the engine reads and writes Jetty's decrypted end point. */
class JettyTlsTest {
    @Test
    @Timeout(60)
    void echoOverWssWithASelfSignedCertificate() throws Exception {
        Path keyStore = SelfSigned.keyStore();
        CompletableFuture<WebSocket> opened = new CompletableFuture<>();
        WebSocketServer ws = WebSocketServer.builder()
                .onOpen(opened::complete)
                .onData((c, binary, data) -> c.write(new String(data, StandardCharsets.UTF_8)))
                .build();
        Server jetty = new Server();
        SslContextFactory.Server ssl = new SslContextFactory.Server();
        ssl.setKeyStorePath(keyStore.toString());
        ssl.setKeyStoreType("PKCS12");
        ssl.setKeyStorePassword(SelfSigned.PASSWORD);
        HttpConfiguration https = new HttpConfiguration();
        https.addCustomizer(new SecureRequestCustomizer());
        ServerConnector connector = new ServerConnector(jetty, 1, 1,
                new SslConnectionFactory(ssl, "http/1.1"), new HttpConnectionFactory(https));
        connector.setHost("127.0.0.1");
        jetty.addConnector(connector);
        jetty.setHandler(JettyWebSocket.handler(ws));
        jetty.start();
        try {
            URI uri = URI.create("wss://127.0.0.1:" + connector.getLocalPort() + "/secure");
            // A message larger than one TLS record (16 KiB) too, so decryption spans several fills.
            String big = "x".repeat(40_000);
            List<String> echoed = SelfSigned.echo(SelfSigned.trusting(keyStore), uri, List.of("hello over tls", big));
            assertEquals(List.of("hello over tls", big), echoed);
            assertEquals("/secure", opened.get().path());
        } finally {
            jetty.stop();
        }
    }
}
