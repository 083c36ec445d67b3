package dev.shuttle.websocket.servlet;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.net.URI;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;

import dev.shuttle.websocket.WebSocketServer;
import dev.shuttle.websocket.testing.RawClient;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/**
 * Evidence for why the servlet uses Jetty's native handover on Jetty ee10: through the standard
 * {@code HttpServletRequest.upgrade()} on Jetty 12.1 the upgraded input ends at once, before
 * the client (which waits for the 101, as clients do) has sent anything. If this test starts
 * failing, Jetty fixed it and the standard path may be worth another look.
 */
class JettyStandardUpgradeQuirkTest {
    @Test
    @Timeout(30)
    void standardUpgradeOnJettyEe10EndsTheInputAtOnce() throws Exception {
        CompletableFuture<Integer> closeCode = new CompletableFuture<>();
        WebSocketServer ws = WebSocketServer.builder()
                .onData((c, binary, data) -> c.write(data))
                .onClose((c, code, reason, cause) -> closeCode.complete(code))
                .build();
        JettyServletFixture fixture = new JettyServletFixture(false, null);
        URI uri = fixture.start(ws);
        try (RawClient client = RawClient.connect(uri)) { // asserts the 101
            // We send nothing; the server's reader nevertheless sees end of stream: 1006.
            assertEquals(1006, closeCode.get(10, TimeUnit.SECONDS), "the upgraded input ended without a close frame");
        } finally {
            fixture.stop();
        }
    }
}
