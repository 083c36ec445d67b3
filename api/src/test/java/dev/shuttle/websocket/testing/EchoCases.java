package dev.shuttle.websocket.testing;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.util.Random;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

import dev.shuttle.websocket.CloseCode;
import dev.shuttle.websocket.Options;

/** Echo of text and binary messages with the JDK client as an independent peer, across the length encodings of RFC 6455 §5.2. */
public abstract class EchoCases extends ContractSupport {

    @ParameterizedTest(name = "text of {0} bytes")
    @ValueSource(ints = {0, 1, 125, 126, 65535, 65536, Options.DEFAULT_MAX_PAYLOAD})
    @Timeout(30)
    void echoesTextWithJdkClient(int size) throws Exception {
        RecordingHandler server = RecordingHandler.echo();
        JdkClient client = jdk(start(server));
        String text = text(size);

        client.sendText(text);

        JdkClient.Message echo = client.nextMessage();
        assertFalse(echo.binary(), "echo of a text message is text");
        assertEquals(size, echo.data().length);
        assertEquals(text, echo.text());
        RecordingHandler.Message received = server.nextMessage();
        assertFalse(received.binary());
        assertEquals(text, received.text());
    }

    @ParameterizedTest(name = "binary of {0} bytes")
    @ValueSource(ints = {0, 1, 125, 126, 65535, 65536, Options.DEFAULT_MAX_PAYLOAD})
    @Timeout(30)
    void echoesBinaryWithJdkClient(int size) throws Exception {
        RecordingHandler server = RecordingHandler.echo();
        JdkClient client = jdk(start(server));
        byte[] data = new byte[size];
        new Random(size).nextBytes(data);

        client.sendBinary(data);

        JdkClient.Message echo = client.nextMessage();
        assertTrue(echo.binary(), "echo of a binary message is binary");
        assertArrayEquals(data, echo.data());
        assertArrayEquals(data, server.nextMessage().data());
    }

    /** The default limit is 1 MiB for a frame and a message; one byte more is closed with 1009 (§7.4.1). */
    @Test
    @Timeout(30)
    void messageOverDefaultLimitIsClosedWith1009() throws Exception {
        RecordingHandler server = RecordingHandler.echo();
        JdkClient client = jdk(start(server));

        try {
            client.sendBinary(new byte[Options.DEFAULT_MAX_PAYLOAD + 1]);
        } catch (java.util.concurrent.ExecutionException e) {
            // The server may refuse at the header (1009) and drop TCP before the payload is through.
        }

        assertEquals(CloseCode.MESSAGE_TOO_BIG, client.awaitClosed().code());
        RecordingHandler.Close close = server.awaitSingleClose();
        assertEquals(CloseCode.MESSAGE_TOO_BIG, close.code());
        assertTrue(server.messages.isEmpty(), "the oversized message must not be delivered");
    }

    /** Several connections at once, each gets its own echo. */
    @Test
    @Timeout(30)
    void echoesOnSeveralConnections() throws Exception {
        URI uri = start(RecordingHandler.echo());
        JdkClient[] clients = new JdkClient[4];
        for (int i = 0; i < clients.length; i++) {
            clients[i] = jdk(uri);
        }
        for (int i = 0; i < clients.length; i++) {
            clients[i].sendText("client " + i);
        }
        for (int i = 0; i < clients.length; i++) {
            assertEquals("client " + i, clients[i].nextMessage().text());
        }
    }

    static String text(int size) {
        StringBuilder sb = new StringBuilder(size);
        for (int i = 0; i < size; i++) {
            sb.append((char) ('a' + i % 26));
        }
        String s = sb.toString();
        assert s.getBytes(StandardCharsets.UTF_8).length == size;
        return s;
    }
}
