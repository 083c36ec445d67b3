package dev.shuttle.websocket.spring;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.net.http.WebSocket;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import java.util.function.DoubleSupplier;

import dev.shuttle.websocket.Options;
import dev.shuttle.websocket.WebSocketServer;
import dev.shuttle.websocket.metrics.ShuttleMetrics;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.search.Search;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.springframework.boot.SpringApplication;
import org.springframework.boot.autoconfigure.EnableAutoConfiguration;
import org.springframework.boot.tomcat.servlet.TomcatServletWebServerFactory;
import org.springframework.context.ConfigurableApplicationContext;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;

/**
 * A real Boot 4 application (Tomcat, actuator, shuttle-micrometer) whose server counts into the
 * auto-configured {@link ShuttleMetrics}: the traffic of a JDK client shows in the application's
 * {@link SimpleMeterRegistry} as {@code shuttle.*} meters, and on the actuator's metrics endpoint.
 */
class ShuttleSpringBootMetricsTest {
    private static final Duration WAIT = Duration.ofSeconds(20);
    private ConfigurableApplicationContext context;

    @Configuration(proxyBeanMethods = false)
    @EnableAutoConfiguration
    static class MeteredApplication {
        /** Jetty is on this module's test class path too, and Boot would pick it (see ShuttleSpringBootJettyTest). */
        @Bean
        TomcatServletWebServerFactory tomcat() {
            return new TomcatServletWebServerFactory();
        }

        @Bean
        SimpleMeterRegistry registry() {
            return new SimpleMeterRegistry();
        }

        @Bean
        WebSocketServer echo(Options options, ShuttleMetrics metrics) {
            return WebSocketServer.builder().options(options).metrics(metrics)
                    .onData((c, binary, data) -> c.write(binary ? data : ("echo " + new String(data, StandardCharsets.UTF_8)).getBytes(StandardCharsets.UTF_8)))
                    .build();
        }
    }

    @AfterEach
    void stop() {
        if (context != null) {
            context.close();
        }
    }

    @Test
    @Timeout(60)
    void theServersTrafficShowsAsMicrometerMeters() throws Exception {
        context = new SpringApplication(MeteredApplication.class).run("--server.port=0", "--server.address=127.0.0.1",
                "--management.endpoints.web.exposure.include=metrics");
        int port = Integer.parseInt(context.getEnvironment().getProperty("local.server.port"));
        MeterRegistry registry = context.getBean(MeterRegistry.class);
        assertSame(context.getBean(ShuttleMetrics.class), context.getBean(WebSocketServer.class).metrics());
        assertEquals(0, registry.get("shuttle.connections.open").gauge().value());

        try (HttpClient http = HttpClient.newHttpClient()) {
            BlockingQueue<Object> replies = new LinkedBlockingQueue<>();
            WebSocket ws = http.newWebSocketBuilder().buildAsync(URI.create("ws://127.0.0.1:" + port + "/ws"), new WebSocket.Listener() {
                @Override
                public CompletionStage<?> onBinary(WebSocket w, ByteBuffer data, boolean last) {
                    replies.add(data.remaining());
                    w.request(1);
                    return null;
                }
            }).get(WAIT.toSeconds(), TimeUnit.SECONDS);
            for (String text : new String[] {"one", "two", "three"}) {
                ws.sendText(text, true).get(WAIT.toSeconds(), TimeUnit.SECONDS);
                assertTrue(replies.poll(WAIT.toSeconds(), TimeUnit.SECONDS) != null, "echo of " + text);
            }
            ws.sendBinary(ByteBuffer.wrap(new byte[100]), true).get(WAIT.toSeconds(), TimeUnit.SECONDS);
            assertEquals(100, replies.poll(WAIT.toSeconds(), TimeUnit.SECONDS));

            assertEquals(1, registry.get("shuttle.connections.open").gauge().value());
            assertEquals(1, registry.get("shuttle.connections.opened").functionCounter().count());
            assertEquals(1, registry.get("shuttle.handshakes").tag("outcome", "accepted").functionCounter().count());
            assertEquals(3, registry.get("shuttle.messages.received").tag("type", "text").functionCounter().count());
            assertEquals(1, registry.get("shuttle.messages.received").tag("type", "binary").functionCounter().count());
            assertEquals(100, registry.get("shuttle.received.bytes").tag("type", "binary").functionCounter().count());
            assertEquals(4, registry.get("shuttle.messages.sent").tag("type", "binary").functionCounter().count());
            // The older gauge stays beside them.
            assertEquals(1, registry.get("shuttle.websocket.connections").gauge().value());

            HttpResponse<String> endpoint = http.send(HttpRequest.newBuilder(
                    URI.create("http://127.0.0.1:" + port + "/actuator/metrics/shuttle.messages.received?tag=type:text")).build(),
                    HttpResponse.BodyHandlers.ofString());
            assertEquals(200, endpoint.statusCode(), endpoint.body());
            assertTrue(endpoint.body().contains("\"value\":3.0"), endpoint.body());

            ws.sendClose(1000, "bye").get(WAIT.toSeconds(), TimeUnit.SECONDS);
            // A close code seen for the first time registers its labelled meter then.
            awaitValue(1, () -> counted(registry.find("shuttle.connections.closed").tag("code", "1000")));
            assertEquals(0, registry.get("shuttle.connections.open").gauge().value());
        }
    }

    private static double counted(Search search) {
        var counter = search.functionCounter();
        return counter == null ? 0 : counter.count();
    }

    private static void awaitValue(double expected, DoubleSupplier value) throws InterruptedException {
        long deadline = System.nanoTime() + WAIT.toNanos();
        while (value.getAsDouble() != expected && System.nanoTime() < deadline) {
            Thread.sleep(20);
        }
        assertEquals(expected, value.getAsDouble());
    }
}
