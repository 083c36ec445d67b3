package dev.shuttle.autobahn.runner;

import java.io.ByteArrayOutputStream;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.WebSocket;
import java.nio.ByteBuffer;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.TimeUnit;

/**
 * The JDK's {@code java.net.http} WebSocket client driven through the fuzzingserver protocol:
 * an independent client that checks the in-repo {@link FuzzingServer} until Shuttle's own
 * client is on main.
 */
final class JdkClientDriver {
    private JdkClientDriver() {
    }

    static void run(URI base, String agent) throws Exception {
        HttpClient http = HttpClient.newHttpClient();
        StringBuilder count = new StringBuilder();
        session(http, URI.create(base + "/getCaseCount"), count);
        int n = Integer.parseInt(count.toString().trim());
        for (int i = 1; i <= n; i++) {
            session(http, URI.create(base + "/runCase?case=" + i + "&agent=" + agent), null);
        }
        session(http, URI.create(base + "/updateReports?agent=" + agent), null);
    }

    /** One connection: echo every message (or collect text into {@code sink}) until it closes. */
    private static void session(HttpClient http, URI uri, StringBuilder sink) throws Exception {
        CompletableFuture<Void> closed = new CompletableFuture<>();
        WebSocket.Listener listener = new WebSocket.Listener() {
            private final StringBuilder text = new StringBuilder();
            private final ByteArrayOutputStream binary = new ByteArrayOutputStream();
            private CompletableFuture<WebSocket> sending = CompletableFuture.completedFuture(null);

            @Override
            public CompletionStage<?> onText(WebSocket ws, CharSequence data, boolean last) {
                text.append(data);
                if (last) {
                    String message = text.toString();
                    text.setLength(0);
                    if (sink != null) {
                        sink.append(message);
                    } else {
                        sending = sending.thenCompose(w -> ws.sendText(message, true));
                    }
                }
                ws.request(1);
                return null;
            }

            @Override
            public CompletionStage<?> onBinary(WebSocket ws, ByteBuffer data, boolean last) {
                byte[] b = new byte[data.remaining()];
                data.get(b);
                binary.writeBytes(b);
                if (last) {
                    ByteBuffer message = ByteBuffer.wrap(binary.toByteArray());
                    binary.reset();
                    sending = sending.thenCompose(w -> ws.sendBinary(message, true));
                }
                ws.request(1);
                return null;
            }

            @Override
            public CompletionStage<?> onClose(WebSocket ws, int statusCode, String reason) {
                closed.complete(null);
                return sending;
            }

            @Override
            public void onError(WebSocket ws, Throwable error) {
                closed.complete(null);
            }
        };
        try {
            http.newWebSocketBuilder().buildAsync(uri, listener).get(5, TimeUnit.SECONDS);
        } catch (Exception e) {
            return; // a refused connection is the case's verdict, not the driver's
        }
        closed.get(30, TimeUnit.SECONDS);
    }
}
