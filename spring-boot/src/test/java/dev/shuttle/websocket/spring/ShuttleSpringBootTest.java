package dev.shuttle.websocket.spring;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.InputStream;
import java.io.OutputStream;
import java.net.Socket;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.net.http.WebSocket;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;

import dev.shuttle.websocket.Options;
import dev.shuttle.websocket.WebSocketServer;
import io.micrometer.core.instrument.MeterRegistry;
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
 * A real Boot 4 application on Tomcat, on a random port, with the actuator: the
 * application declares only a {@link WebSocketServer} bean; the JDK's WebSocket client talks to
 * it at {@code shuttle.websocket.path}. Options come from properties, shutdown sends 1001, health
 * and the connection gauge join the actuator, and a dripping request head is cut off by the
 * Tomcat head guard.
 */
class ShuttleSpringBootTest {
    private static final Duration WAIT = Duration.ofSeconds(20);
    private ConfigurableApplicationContext context;

    @Configuration(proxyBeanMethods = false)
    @EnableAutoConfiguration
    static class EchoApplication {
        /** Jetty is on this module's test class path too, and Boot would pick it (see ShuttleSpringBootJettyTest). */
        @Bean
        TomcatServletWebServerFactory tomcat() {
            return new TomcatServletWebServerFactory();
        }

        @Bean
        WebSocketServer echo(Options options) {
            return WebSocketServer.builder().options(options)
                    .onData((c, binary, data) -> c.write("echo " + new String(data, StandardCharsets.UTF_8)))
                    .build();
        }
    }

    private int start(String... properties) {
        SpringApplication app = new SpringApplication(EchoApplication.class);
        String[] args = new String[properties.length + 4];
        args[0] = "--server.port=0";
        args[1] = "--server.address=127.0.0.1";
        args[2] = "--management.endpoint.health.show-details=always";
        args[3] = "--management.endpoints.web.exposure.include=health,metrics";
        System.arraycopy(properties, 0, args, 4, properties.length);
        context = app.run(args);
        return Integer.parseInt(context.getEnvironment().getProperty("local.server.port"));
    }

    @AfterEach
    void stop() {
        if (context != null) {
            context.close();
        }
    }

    @Test
    @Timeout(60)
    void servesTheBeanAtThePathWithOptionsFromPropertiesAndClosesWith1001OnShutdown() throws Exception {
        int port = start("--shuttle.websocket.path=/ws", "--shuttle.websocket.max-message-size=1KB",
                "--shuttle.websocket.ping-interval=7s");
        Options options = context.getBean(Options.class);
        assertEquals(1024, options.maxMessageSize());
        assertEquals(Duration.ofSeconds(7), options.pingInterval());

        try (HttpClient http = HttpClient.newHttpClient()) {
            Client client = new Client();
            WebSocket ws = http.newWebSocketBuilder().buildAsync(URI.create("ws://127.0.0.1:" + port + "/ws"), client)
                    .get(WAIT.toSeconds(), TimeUnit.SECONDS);
            ws.sendText("hello", true).get(WAIT.toSeconds(), TimeUnit.SECONDS);
            assertEquals("echo hello", client.messages.poll(WAIT.toSeconds(), TimeUnit.SECONDS));

            String health = get(http, port, "/actuator/health");
            assertTrue(health.contains("\"shuttleWebSocket\"") && health.contains("\"connections\":1"), health);
            String gauge = get(http, port, "/actuator/metrics/shuttle.websocket.connections");
            assertTrue(gauge.contains("\"value\":1.0"), gauge);
            assertNotNull(context.getBean(MeterRegistry.class).find("shuttle.websocket.connections").gauge());
            // Built without .metrics(...): nothing for shuttle-micrometer to bind.
            assertNull(context.getBean(MeterRegistry.class).find("shuttle.connections.open").gauge());

            context.close(); // Boot's shutdown: ShuttleWebSocketLifecycle sends 1001 first
            context = null;
            assertEquals(1001, client.closed.get(WAIT.toSeconds(), TimeUnit.SECONDS));
        }
    }

    @Test
    @Timeout(60)
    void aMessageOverTheConfiguredLimitIsClosedWith1009() throws Exception {
        int port = start("--shuttle.websocket.max-message-size=1KB");
        try (HttpClient http = HttpClient.newHttpClient()) {
            Client client = new Client();
            WebSocket ws = http.newWebSocketBuilder().buildAsync(URI.create("ws://127.0.0.1:" + port + "/ws"), client)
                    .get(WAIT.toSeconds(), TimeUnit.SECONDS);
            ws.sendText("x".repeat(2000), true);
            assertEquals(1009, client.closed.get(WAIT.toSeconds(), TimeUnit.SECONDS));
        }
    }

    @Test
    @Timeout(60)
    void otherPathsAreNotTheWebSocket() throws Exception {
        int port = start("--shuttle.websocket.path=/ws");
        try (HttpClient http = HttpClient.newHttpClient()) {
            CompletableFuture<WebSocket> other = http.newWebSocketBuilder()
                    .buildAsync(URI.create("ws://127.0.0.1:" + port + "/elsewhere"), new Client());
            Throwable failure = other.handle((ws, e) -> e).get(WAIT.toSeconds(), TimeUnit.SECONDS);
            assertNotNull(failure, "no WebSocket at /elsewhere");
        }
    }

    /** Boot's Tomcat with the head guard: a peer dripping its request head is cut off within the handshake timeout. */
    @Test
    @Timeout(60)
    void aDrippingRequestHeadIsCutOff() throws Exception {
        int port = start("--shuttle.websocket.handshake-timeout=500ms");
        var webServer = ((org.springframework.boot.web.server.context.WebServerApplicationContext) context).getWebServer();
        var connector = ((org.springframework.boot.tomcat.TomcatWebServer) webServer).getTomcat().getConnector();
        assertTrue(connector.getProtocolHandler() instanceof dev.shuttle.websocket.servlet.HeadGuardProtocol guard
                && guard.getFirstHeadTimeout() == 500, "Boot's connector: " + connector.getProtocolHandler());
        byte[] head = ("GET /ws HTTP/1.1\r\nHost: 127.0.0.1\r\nUpgrade: websocket\r\nConnection: Upgrade\r\n"
                + "X-Filler: " + "a".repeat(3000) + "\r\n").getBytes(StandardCharsets.US_ASCII);
        try (Socket s = new Socket("127.0.0.1", port)) {
            s.setSoTimeout((int) WAIT.toMillis());
            OutputStream out = s.getOutputStream();
            InputStream in = s.getInputStream();
            int sent = 0;
            try {
                for (; sent < head.length; sent++) {
                    out.write(head[sent]);
                    out.flush();
                    // One byte each time the server has not closed yet: ~3 KiB would take minutes.
                    if (in.available() > 0 || s.isInputShutdown()) {
                        break;
                    }
                    Thread.sleep(20);
                }
                assertEquals(-1, in.read(), "the server closed the connection");
            } catch (java.io.IOException closed) {
                // a reset is a cut-off too
            }
            assertTrue(sent < head.length, "cut off after " + sent + " of " + head.length + " bytes");
        }
    }

    private static String get(HttpClient http, int port, String path) throws Exception {
        HttpResponse<String> r = http.send(HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + port + path)).build(),
                HttpResponse.BodyHandlers.ofString());
        assertEquals(200, r.statusCode(), r.body());
        assertFalse(r.body().isEmpty());
        return r.body();
    }

    private static final class Client implements WebSocket.Listener {
        final BlockingQueue<String> messages = new LinkedBlockingQueue<>();
        final CompletableFuture<Integer> closed = new CompletableFuture<>();
        private final StringBuilder text = new StringBuilder();

        @Override
        public CompletionStage<?> onText(WebSocket ws, CharSequence data, boolean last) {
            text.append(data);
            if (last) {
                messages.add(text.toString());
                text.setLength(0);
            }
            ws.request(1);
            return null;
        }

        @Override
        public CompletionStage<?> onBinary(WebSocket ws, ByteBuffer data, boolean last) {
            ws.request(1);
            return null;
        }

        @Override
        public CompletionStage<?> onClose(WebSocket ws, int statusCode, String reason) {
            closed.complete(statusCode);
            return null;
        }

        @Override
        public void onError(WebSocket ws, Throwable error) {
            closed.completeExceptionally(error);
        }
    }
}
