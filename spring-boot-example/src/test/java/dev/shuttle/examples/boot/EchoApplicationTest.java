package dev.shuttle.examples.boot;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.WebSocket;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.TimeUnit;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.springframework.boot.SpringApplication;
import org.springframework.context.ConfigurableApplicationContext;

/** The example application as its main method starts it, on a random port: the JDK client gets its echo at /ws. */
class EchoApplicationTest {
    @Test
    @Timeout(60)
    void echoesAtWs() throws Exception {
        try (ConfigurableApplicationContext app = SpringApplication.run(EchoApplication.class,
                "--server.port=0", "--server.address=127.0.0.1");
                HttpClient http = HttpClient.newHttpClient()) {
            String port = app.getEnvironment().getProperty("local.server.port");
            CompletableFuture<String> echo = new CompletableFuture<>();
            CompletableFuture<Integer> closed = new CompletableFuture<>();
            WebSocket ws = http.newWebSocketBuilder().buildAsync(URI.create("ws://127.0.0.1:" + port + "/ws"),
                    new WebSocket.Listener() {
                        @Override
                        public CompletionStage<?> onText(WebSocket w, CharSequence data, boolean last) {
                            echo.complete(data.toString());
                            w.request(1); // and then the close frame
                            return null;
                        }

                        @Override
                        public CompletionStage<?> onClose(WebSocket w, int code, String reason) {
                            closed.complete(code);
                            return null;
                        }
                    }).get(20, TimeUnit.SECONDS);
            ws.sendText("hello boot", true);
            assertEquals("hello boot", echo.get(20, TimeUnit.SECONDS));
            // Close before the client: HttpClient.close() waits for its open WebSockets.
            ws.sendClose(WebSocket.NORMAL_CLOSURE, "done");
            assertEquals(1000, closed.get(20, TimeUnit.SECONDS));
        }
    }
}
