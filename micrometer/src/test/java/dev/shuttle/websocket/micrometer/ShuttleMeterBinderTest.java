package dev.shuttle.websocket.micrometer;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.URI;
import java.time.Duration;
import java.util.concurrent.TimeUnit;

import dev.shuttle.websocket.Options;
import dev.shuttle.websocket.WebSocketServer;
import dev.shuttle.websocket.hub.Hub;
import dev.shuttle.websocket.metrics.ShuttleMetrics;
import dev.shuttle.websocket.standalone.Listener;
import dev.shuttle.websocket.standalone.ListenerOptions;
import dev.shuttle.websocket.testing.JdkClient;
import dev.shuttle.websocket.testing.RawClient;
import io.micrometer.core.instrument.FunctionCounter;
import io.micrometer.core.instrument.FunctionTimer;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/** Real traffic from the JDK's client through the built-in listener, read back from a Micrometer registry. */
@Timeout(60)
class ShuttleMeterBinderTest {
    private Listener listener;

    @AfterEach
    void stop() {
        if (listener != null) {
            listener.close();
        }
    }

    @Test
    void registryShowsTheCountedTraffic() throws Exception {
        ShuttleMetrics metrics = new ShuttleMetrics();
        Hub hub = Hub.builder().build();
        metrics.register("chat", hub);
        SimpleMeterRegistry registry = new SimpleMeterRegistry();
        new ShuttleMeterBinder(metrics).bindTo(registry); // before any traffic: labelled meters must appear later
        WebSocketServer server = WebSocketServer.builder().metrics(metrics)
                .options(Options.defaults().toBuilder().pingInterval(Duration.ofMillis(50)).build())
                .upgradeHook((request, attributes) -> {
                    if (request.queryParameter("deny") != null) {
                        throw new dev.shuttle.websocket.UpgradeRejectedException(403, "denied");
                    }
                })
                .onOpen(hub::join)
                .onData((c, binary, data) -> c.writeText(data)).build();
        listener = server.listen(ListenerOptions.builder()
                .address(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0)).build());
        URI uri = URI.create("ws://127.0.0.1:" + listener.port() + "/room");

        assertEquals(403, RawClient.to(URI.create(uri + "?deny=1")).exchange().status());
        JdkClient client = JdkClient.connect(uri);
        for (int i = 0; i < 4; i++) {
            client.sendText("12345");
            assertEquals("12345", client.nextMessage().text());
        }
        assertEquals(1.0, registry.get("shuttle.connections.open").gauge().value());
        assertEquals(1.0, registry.get("shuttle.hub.members").tag("hub", "chat").gauge().value());
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(10);
        while (metrics.rttCount() == 0 && System.nanoTime() < deadline) {
            Thread.sleep(20);
        }
        client.sendClose(4001, "bye");
        client.awaitClosed();
        deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(10);
        while (metrics.connectionsClosed(4001) == 0 && System.nanoTime() < deadline) {
            Thread.sleep(10);
        }

        assertEquals(1.0, counter(registry, "shuttle.handshakes", "status", "101"));
        assertEquals(1.0, counter(registry, "shuttle.handshakes", "status", "403"));
        assertEquals("refused", registry.get("shuttle.handshakes").tag("status", "403").functionCounter().getId().getTag("outcome"));
        assertEquals(4.0, counter(registry, "shuttle.messages.received", "type", "text"));
        assertEquals(20.0, counter(registry, "shuttle.received.bytes", "type", "text"));
        assertEquals(20.0, counter(registry, "shuttle.sent.bytes", "type", "text"));
        assertEquals(0.0, counter(registry, "shuttle.messages.received", "type", "binary"));
        assertEquals(1.0, counter(registry, "shuttle.close.frames.received", "code", "4001"));
        assertEquals(1.0, counter(registry, "shuttle.connections.closed", "code", "4001"));
        assertEquals(0.0, registry.get("shuttle.connections.open").gauge().value());
        FunctionTimer rtt = registry.get("shuttle.rtt").functionTimer();
        assertTrue(rtt.count() >= 1, "at least one automatic ping answered");
        assertEquals(rtt.count(), counter(registry, "shuttle.rtt.buckets", "le", "+Inf"));
        metrics.recordDrop("rate_limit");
        metrics.recordDrop("rate_limit");
        assertEquals(2.0, counter(registry, "shuttle.dropped.messages", "reason", "rate_limit"));
        metrics.markNotReady();
        assertEquals(0.0, registry.get("shuttle.ready").gauge().value());
    }

    private static double counter(SimpleMeterRegistry registry, String name, String tag, String value) {
        FunctionCounter c = registry.find(name).tag(tag, value).functionCounter();
        assertNotNull(c, name + "{" + tag + "=" + value + "} registered");
        return c.count();
    }
}
