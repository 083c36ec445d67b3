package dev.shuttle.websocket.standalone;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.URI;

import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

import dev.shuttle.websocket.WebSocketServer;
import dev.shuttle.websocket.testing.JdkClient;
import dev.shuttle.websocket.testing.RawClient;
import dev.shuttle.websocket.testing.RecordingHandler;

/** Same-origin by default, over the built-in listener (cross-site WebSocket hijacking, RFC 6455 §10.2). */
@Timeout(30)
class ListenerOriginTest {
    private Listener listener;

    @AfterEach
    void closeListener() {
        if (listener != null) {
            listener.close();
        }
    }

    private URI start(WebSocketServer server) throws Exception {
        listener = Listener.start(server, ListenerOptions.builder()
                .address(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0)).build());
        return URI.create("ws://127.0.0.1:" + listener.port() + "/");
    }

    @Test
    void byDefaultAForeignOriginIs403AndTheSameOriginIsSwitched() throws Exception {
        URI uri = start(WebSocketServer.builder().handler(RecordingHandler.echo()).build());
        String self = "http://127.0.0.1:" + listener.port();

        RawClient.HttpHead foreign = RawClient.to(uri).header("Origin", "https://evil.example").exchange();
        assertEquals(403, foreign.status(), foreign.statusLine());
        // Same host, another port: another origin (RFC 6454 §4).
        RawClient.HttpHead otherPort = RawClient.to(uri).header("Origin", "http://127.0.0.1:" + (listener.port() == 1 ? 2 : 1)).exchange();
        assertEquals(403, otherPort.status(), otherPort.statusLine());

        try (RawClient same = RawClient.to(uri).header("Origin", self).connect()) {
            same.sendText("same origin");
            assertEquals("same origin", same.readMessage().text());
        }
        // A non-browser client sends no Origin and is unaffected.
        try (JdkClient noOrigin = JdkClient.connect(uri)) {
            noOrigin.sendText("no origin");
            assertEquals("no origin", noOrigin.nextMessage().text());
        }
    }

    @Test
    void allowAnyOriginAcceptsAForeignOrigin() throws Exception {
        URI uri = start(WebSocketServer.builder().handler(RecordingHandler.echo()).allowAnyOrigin().build());
        try (RawClient foreign = RawClient.to(uri).header("Origin", "https://evil.example").connect()) {
            foreign.sendText("any");
            assertEquals("any", foreign.readMessage().text());
        }
    }
}
