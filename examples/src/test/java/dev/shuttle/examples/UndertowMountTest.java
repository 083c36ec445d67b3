package dev.shuttle.examples;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;

import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/** {@code --transport undertow}: the echo example, its page and its shutdown on Undertow. */
class UndertowMountTest {
    private final HttpClient http = HttpClient.newHttpClient();
    private Example example;

    @AfterEach
    void stop() {
        if (example != null) {
            example.close();
        }
        http.shutdownNow();
    }

    private URI start(Example e) throws Exception {
        example = e;
        Mount.Running running = e.start(Command.parse("echo", "--transport", "undertow").mount(),
                new InetSocketAddress(InetAddress.getLoopbackAddress(), 0));
        assertTrue(running.port() > 0, "the real port, not 0");
        return URI.create("ws://127.0.0.1:" + running.port() + "/");
    }

    @Test
    @Timeout(30)
    void echoOnUndertow() throws Exception {
        URI uri = start(new EchoExample());
        try (TestClient a = new TestClient(http, uri)) {
            a.sendText("héllo");
            assertEquals("héllo", a.await(m -> true).text());
            byte[] bytes = TestClient.utf8("not text");
            a.sendBinary(bytes);
            assertArrayEquals(bytes, a.await(m -> true).binary());
        }
    }

    @Test
    @Timeout(30)
    void pageAndHealthOnUndertow() throws Exception {
        URI base = URI.create("http://127.0.0.1:" + start(new EchoExample()).getPort());
        HttpResponse<String> page = http.send(HttpRequest.newBuilder(base.resolve("/")).build(), HttpResponse.BodyHandlers.ofString());
        assertEquals(200, page.statusCode());
        assertTrue(page.body().contains("<title>Shuttle echo</title>"));
        HttpResponse<String> health = http.send(HttpRequest.newBuilder(base.resolve("/health")).build(), HttpResponse.BodyHandlers.ofString());
        assertEquals("ok", health.body());
        assertEquals(404, http.send(HttpRequest.newBuilder(base.resolve("/nope")).build(), HttpResponse.BodyHandlers.ofString()).statusCode());
    }

    @Test
    void unknownTransportIsAUsageError() {
        Command.UsageException e = org.junit.jupiter.api.Assertions.assertThrows(Command.UsageException.class,
                () -> Command.parse("echo", "--transport", "tomcat"));
        assertTrue(e.getMessage().startsWith("unknown transport: 'tomcat'"), e.getMessage());
    }
}
