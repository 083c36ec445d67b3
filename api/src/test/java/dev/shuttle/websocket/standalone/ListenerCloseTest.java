package dev.shuttle.websocket.standalone;

import static dev.shuttle.websocket.standalone.Eventually.assertEventually;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.URI;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

import dev.shuttle.websocket.CloseCode;
import dev.shuttle.websocket.WebSocketServer;
import dev.shuttle.websocket.testing.JdkClient;
import dev.shuttle.websocket.testing.RawClient;
import dev.shuttle.websocket.testing.RecordingHandler;
import dev.shuttle.websocket.testing.WireFrame;

/** Issue 9 item 9: closing one listener closes its own connections only, not the server's others. */
@Timeout(60)
class ListenerCloseTest {

    private static Listener listen(WebSocketServer server) throws Exception {
        return Listener.start(server, ListenerOptions.builder()
                .address(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0)).build());
    }

    private static URI uri(Listener l) {
        return URI.create("ws://127.0.0.1:" + l.port() + "/");
    }

    @Test
    void closingOneListenerLeavesTheOtherListenersConnectionsOpen() throws Exception {
        WebSocketServer server = WebSocketServer.builder().handler(RecordingHandler.echo()).build();
        Listener first = listen(server);
        Listener second = listen(server);
        try (RawClient onFirst = RawClient.to(uri(first)).connect();
             JdkClient onSecond = JdkClient.connect(uri(second))) {
            onFirst.sendText("one");
            assertEquals("one", onFirst.readMessage().text());
            onSecond.sendText("two");
            assertEquals("two", onSecond.nextMessage().text());
            assertEquals(2, server.connections().size());

            Thread closer = Thread.ofVirtual().start(first::close);
            // The first listener's client gets 1001 and answers it; close() then returns.
            WireFrame close = onFirst.readUntilClose();
            assertEquals(CloseCode.GOING_AWAY, close.closeCode());
            onFirst.sendClose(CloseCode.GOING_AWAY, "");
            closer.join();
            assertEquals(0, first.connectionCount());

            // The other listener's connection is untouched.
            assertEquals(1, second.connectionCount());
            assertEventually(() -> server.connections().size() == 1, "only the second listener's connection is left");
            assertFalse(onSecond.closed.isDone(), "the second listener's client was closed");
            onSecond.sendText("still here");
            assertEquals("still here", onSecond.nextMessage().text());
            try (JdkClient fresh = JdkClient.connect(uri(second))) {
                fresh.sendText("new");
                assertEquals("new", fresh.nextMessage().text());
            }

            second.close();
            assertEquals(CloseCode.GOING_AWAY, onSecond.awaitClosed().code());
            assertEquals(0, second.connectionCount());
            assertTrue(server.connections().isEmpty());
        } finally {
            first.close();
            second.close();
        }
    }
}
