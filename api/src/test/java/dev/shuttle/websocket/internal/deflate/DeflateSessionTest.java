package dev.shuttle.websocket.internal.deflate;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.Random;
import java.util.concurrent.TimeUnit;

import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

import dev.shuttle.websocket.Compression;
import dev.shuttle.websocket.Frame;
import dev.shuttle.websocket.Opcode;
import dev.shuttle.websocket.Options;
import dev.shuttle.websocket.PreparedMessage;
import dev.shuttle.websocket.WebSocket;
import dev.shuttle.websocket.WebSocketServer;
import dev.shuttle.websocket.internal.session.Connection;
import dev.shuttle.websocket.spi.Upgrade;
import dev.shuttle.websocket.testing.PipeTransport;
import dev.shuttle.websocket.testing.RecordingHandler;
import dev.shuttle.websocket.testing.TestRequest;

/**
 * Both ends of the engine with permessage-deflate over an in-memory pipe: a client-role
 * connection (masks, compresses with the client's parameters) against the server's, using the
 * client negotiation functions on the server's real 101 answer. Covers the client side of the
 * engine before and independently of {@code WebSocketClient}.
 */
@Timeout(60)
class DeflateSessionTest {
    private static final int[] SIZES = {0, 1, 100, 255, 256, 10 << 10, 200 << 10, 1 << 20};

    @ParameterizedTest(name = "lowMemory={0}")
    @ValueSource(booleans = {false, true})
    void clientAndServerEnginesRoundTrip(boolean lowMemory) throws Exception {
        Compression compression = Compression.builder().lowMemory(lowMemory).build();
        Options options = Options.defaults().toBuilder().maxFramePayload(4 << 20).maxMessageSize(4 << 20)
                .compression(compression).build();
        RecordingHandler serverHandler = RecordingHandler.echo();
        WebSocketServer server = WebSocketServer.builder().handler(serverHandler).options(options).build();
        Upgrade upgrade = server.upgrade(TestRequest.valid("/")
                .with("Sec-WebSocket-Extensions", DeflateNegotiation.offer(compression)));
        String answer = upgrade.headers().get("Sec-WebSocket-Extensions");
        DeflateParams params = DeflateNegotiation.validateAnswer(List.of(answer), compression);
        assertEquals(lowMemory, params.serverNoContextTakeover());
        assertEquals(lowMemory, params.clientNoContextTakeover());

        PipeTransport[] pipe = PipeTransport.pair(8 << 20);
        upgrade.start(pipe[0]);
        RecordingHandler clientHandler = new RecordingHandler();
        Connection client = new Connection(pipe[1], Connection.Role.CLIENT, options, clientHandler, null, null, null, null, params);
        client.start();
        clientHandler.opened.get(10, TimeUnit.SECONDS);

        Random random = new Random(1);
        for (int size : SIZES) {
            String text = new String(DeflateCodecTest.sample(size, size), StandardCharsets.US_ASCII);
            client.write(text);
            assertEquals(text, next(clientHandler).text(), "text " + size);
            byte[] data = new byte[size];
            random.nextBytes(data);
            client.write(ByteBuffer.wrap(data));
            assertArrayEquals(data, next(clientHandler).data(), "binary " + size);
            // A prepared message from the client side: a masked copy of the shared compressed frame.
            PreparedMessage prepared = PreparedMessage.text(text);
            client.write(prepared);
            assertEquals(text, next(clientHandler).text(), "prepared " + size);
        }
        // RSV1 belongs to the extension: a raw frame may not set it.
        assertThrows(IllegalArgumentException.class, () -> client.writeFrame(new Frame(true, 4, Opcode.TEXT, new byte[1])));
        client.close(1000, "");
        assertTrue(client.awaitClosed(10, TimeUnit.SECONDS));
        WebSocket serverSide = serverHandler.opened.get(10, TimeUnit.SECONDS);
        assertTrue(((Connection) serverSide).awaitClosed(10, TimeUnit.SECONDS));
    }

    private static RecordingHandler.Message next(RecordingHandler h) throws InterruptedException {
        RecordingHandler.Message m = h.messages.poll(10, TimeUnit.SECONDS);
        assertNotNull(m, "no echo within 10 s; errors: " + h.errors);
        return m;
    }
}
