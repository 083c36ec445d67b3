package dev.shuttle.autobahn;

import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;

import dev.shuttle.websocket.Compression;
import dev.shuttle.websocket.Options;
import dev.shuttle.websocket.OverflowPolicy;
import dev.shuttle.websocket.WebSocket;
import dev.shuttle.websocket.WebSocketClient;

/**
 * Shuttle's {@link WebSocketClient} driven through the fuzzingserver protocol: one connection per
 * case, every message echoed (text as text, binary as binary), with the limits Autobahn expects.
 */
final class ShuttleClientDriver {
    /** Section 9 sends messages up to 16 MiB. */
    private static final long LIMIT = 16L << 20;
    /** Longest a single case may take before the driver gives up on it. */
    private static final long CASE_TIMEOUT_SECONDS = 60;

    private ShuttleClientDriver() {
    }

    static void run(URI base, String agent) throws Exception {
        String count = session(URI.create(base + "/getCaseCount"), true, Compression.disabled());
        int n = Integer.parseInt(count.trim());
        for (int i = 1; i <= n; i++) {
            // permessage-deflate offered on every case, as the suite expects of a client: the
            // fuzzingserver accepts it in sections 12 and 13 (by each case's rule), declines it elsewhere.
            session(URI.create(base + "/runCase?case=" + i + "&agent=" + agent), false, Compression.defaults());
        }
        session(URI.create(base + "/updateReports?agent=" + agent), false, Compression.disabled());
    }

    /** One connection until it closes; with {@code collect}, returns the text received instead of echoing it. */
    private static String session(URI uri, boolean collect, Compression compression) throws Exception {
        StringBuilder received = new StringBuilder();
        CompletableFuture<Void> closed = new CompletableFuture<>();
        WebSocketClient client = WebSocketClient.builder()
                .options(Options.defaults().toBuilder()
                        .maxFramePayload(LIMIT)
                        .maxMessageSize(LIMIT)
                        .maxQueuedBytes(4 * LIMIT)
                        .overflowPolicy(OverflowPolicy.BLOCK) // an echo must never be dropped
                        .build())
                .compression(compression)
                .onData((WebSocket c, boolean isBinary, byte[] data) -> {
                    if (collect) {
                        received.append(new String(data, StandardCharsets.UTF_8));
                    } else if (isBinary) {
                        c.write(data);
                    } else {
                        c.writeText(data);
                    }
                })
                .onClose((c, code, reason, cause) -> closed.complete(null))
                .build();
        try {
            client.connect(uri);
        } catch (java.io.IOException e) {
            return received.toString(); // the case may refuse the handshake; the report says so
        }
        closed.get(CASE_TIMEOUT_SECONDS, TimeUnit.SECONDS);
        return received.toString();
    }
}
