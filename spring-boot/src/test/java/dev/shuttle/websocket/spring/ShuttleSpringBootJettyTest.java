package dev.shuttle.websocket.spring;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
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
import org.eclipse.jetty.server.HttpConnectionFactory;
import org.eclipse.jetty.server.ServerConnector;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.springframework.boot.SpringApplication;
import org.springframework.boot.autoconfigure.EnableAutoConfiguration;
import org.springframework.boot.jetty.JettyWebServer;
import org.springframework.boot.jetty.servlet.JettyServletWebServerFactory;
import org.springframework.boot.web.server.context.WebServerApplicationContext;
import org.springframework.context.ConfigurableApplicationContext;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;
import org.springframework.context.annotation.Import;
import org.springframework.web.bind.annotation.GetMapping;
import org.springframework.web.bind.annotation.RestController;

/**
 * A real Boot 4 application on Jetty 12.1 (ee11), on a random port, through the same servlet
 * as on Tomcat (shuttle-servlet's ee11 handover). Tomcat is on this module's test class path too;
 * the application's own {@link JettyServletWebServerFactory} bean makes both of Boot's web-server
 * auto-configurations back off (each is conditional on a missing {@code ServletWebServerFactory};
 * with neither declared, Boot 4.0.7 picked Jetty here, its auto-configuration being ordered first),
 * so the other tests declare Tomcat's. The JDK's WebSocket client talks to
 * {@code shuttle.websocket.path}; Spring MVC keeps every other path.
 */
class ShuttleSpringBootJettyTest {
    private static final Duration WAIT = Duration.ofSeconds(20);
    private ConfigurableApplicationContext context;

    @Configuration(proxyBeanMethods = false)
    @EnableAutoConfiguration
    @Import(Hello.class)
    static class JettyEchoApplication {
        @Bean
        JettyServletWebServerFactory jetty() {
            return new JettyServletWebServerFactory();
        }

        @Bean
        WebSocketServer echo(Options options) {
            return WebSocketServer.builder().options(options)
                    .onData((c, binary, data) -> {
                        if (binary) {
                            c.write(data);
                        } else {
                            c.write("echo " + new String(data, StandardCharsets.UTF_8));
                        }
                    })
                    .build();
        }
    }

    @RestController
    static class Hello {
        @GetMapping("/hello")
        String hello() {
            return "hello from mvc";
        }
    }

    private int start(String... properties) {
        SpringApplication app = new SpringApplication(JettyEchoApplication.class);
        String[] args = new String[properties.length + 2];
        args[0] = "--server.port=0";
        args[1] = "--server.address=127.0.0.1";
        System.arraycopy(properties, 0, args, 2, properties.length);
        context = app.run(args);
        assertInstanceOf(JettyWebServer.class, ((WebServerApplicationContext) context).getWebServer());
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
    void echoesTextAndBinaryAtThePathOnJettyAndClosesWith1001OnShutdown() throws Exception {
        int port = start("--shuttle.websocket.path=/ws");
        try (HttpClient http = HttpClient.newHttpClient()) {
            Client client = new Client();
            WebSocket ws = http.newWebSocketBuilder().buildAsync(URI.create("ws://127.0.0.1:" + port + "/ws"), client)
                    .get(WAIT.toSeconds(), TimeUnit.SECONDS);
            ws.sendText("hello", true).get(WAIT.toSeconds(), TimeUnit.SECONDS);
            assertEquals("echo hello", client.messages.poll(WAIT.toSeconds(), TimeUnit.SECONDS));
            byte[] bytes = {0, 1, 2, (byte) 0xff, 42};
            ws.sendBinary(ByteBuffer.wrap(bytes), true).get(WAIT.toSeconds(), TimeUnit.SECONDS);
            assertArrayEquals(bytes, client.binaries.poll(WAIT.toSeconds(), TimeUnit.SECONDS));

            context.close(); // Boot's shutdown: ShuttleWebSocketLifecycle sends 1001 before Jetty stops
            context = null;
            assertEquals(1001, client.closed.get(WAIT.toSeconds(), TimeUnit.SECONDS));
        }
    }

    @Test
    @Timeout(60)
    void otherPathsStayWithSpringMvc() throws Exception {
        int port = start("--shuttle.websocket.path=/ws");
        try (HttpClient http = HttpClient.newHttpClient()) {
            HttpResponse<String> hello = http.send(HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + port + "/hello"))
                    .build(), HttpResponse.BodyHandlers.ofString());
            assertEquals(200, hello.statusCode());
            assertEquals("hello from mvc", hello.body());
            Throwable failure = http.newWebSocketBuilder().buildAsync(URI.create("ws://127.0.0.1:" + port + "/hello"), new Client())
                    .handle((ws, e) -> e).get(WAIT.toSeconds(), TimeUnit.SECONDS);
            assertNotNull(failure, "no WebSocket at /hello");
        }
    }

    @Test
    @Timeout(60)
    void aMessageOverThePropertyBoundLimitIsClosedWith1009() throws Exception {
        int port = start("--shuttle.websocket.max-message-size=1KB");
        assertEquals(1024, context.getBean(Options.class).maxMessageSize());
        try (HttpClient http = HttpClient.newHttpClient()) {
            Client client = new Client();
            WebSocket ws = http.newWebSocketBuilder().buildAsync(URI.create("ws://127.0.0.1:" + port + "/ws"), client)
                    .get(WAIT.toSeconds(), TimeUnit.SECONDS);
            ws.sendText("x".repeat(2000), true);
            assertEquals(1009, client.closed.get(WAIT.toSeconds(), TimeUnit.SECONDS));
        }
    }

    /** The Jetty head guard: Options bound on Boot's connector; a peer dripping its request head is cut off. */
    @Test
    @Timeout(60)
    void aDrippingRequestHeadIsCutOffByTheJettyHeadGuard() throws Exception {
        int port = start("--shuttle.websocket.handshake-timeout=500ms", "--shuttle.websocket.max-request-head-bytes=4KB");
        var jetty = ((JettyWebServer) ((WebServerApplicationContext) context).getWebServer()).getServer();
        ServerConnector connector = (ServerConnector) jetty.getConnectors()[0];
        assertEquals(500, connector.getIdleTimeout());
        assertEquals(4096, connector.getConnectionFactory(HttpConnectionFactory.class).getHttpConfiguration().getRequestHeaderSize());
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
                    // One byte each 20 ms while the server has not closed: ~3 KiB would take a minute.
                    if (in.available() > 0) {
                        break;
                    }
                    Thread.sleep(20);
                }
                assertEquals(-1, in.read(), "the server closed the connection");
            } catch (IOException closed) {
                // a reset is a cut-off too
            }
            assertTrue(sent < head.length, "cut off after " + sent + " of " + head.length + " bytes");
        }
    }

    private static final class Client implements WebSocket.Listener {
        final BlockingQueue<String> messages = new LinkedBlockingQueue<>();
        final BlockingQueue<byte[]> binaries = new LinkedBlockingQueue<>();
        final CompletableFuture<Integer> closed = new CompletableFuture<>();
        private final StringBuilder text = new StringBuilder();
        private final java.io.ByteArrayOutputStream binary = new java.io.ByteArrayOutputStream();

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
            byte[] chunk = new byte[data.remaining()];
            data.get(chunk);
            binary.writeBytes(chunk);
            if (last) {
                binaries.add(binary.toByteArray());
                binary.reset();
            }
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
