package dev.shuttle.examples.chamber;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.io.IOException;
import java.io.InputStream;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.util.List;

import org.junit.jupiter.api.Test;

/**
 * Our server against the npm reference: {@link ChamberSession} run on ours must give exactly the
 * transcript that the same session gave on {@code websocket-echo-chamber} 1.0.0, recorded by
 * {@code examples/scripts/compare-echo-chamber.sh --record} (which needs node and the npm
 * registry; this test needs neither).
 */
class ReferenceTranscriptTest {
    @Test
    void sameTranscriptAsTheReference() throws IOException {
        List<String> expected;
        try (InputStream in = getClass().getResourceAsStream("reference-transcript.txt")) {
            expected = new String(in.readAllBytes(), StandardCharsets.UTF_8).lines().toList();
        }
        try (EchoChamberServer server = EchoChamberServer.builder()
                .address(new InetSocketAddress("127.0.0.1", 0))
                .origins(List.of("file://", "https://a.example"))
                .start()) {
            assertEquals(String.join("\n", expected), String.join("\n", ChamberSession.run(server.port())));
        }
    }
}
