package dev.shuttle.examples;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.PrintStream;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.nio.charset.StandardCharsets;

import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/** The {@code client} command in-process against the echo example, with stdin and stdout piped. */
@Timeout(60)
class ClientCommandTest {
    private final ByteArrayOutputStream out = new ByteArrayOutputStream();
    private final ByteArrayOutputStream err = new ByteArrayOutputStream();
    private EchoExample echo;

    @AfterEach
    void stop() {
        if (echo != null) {
            echo.close();
        }
    }

    private String echoUri() throws IOException {
        echo = new EchoExample();
        int port = echo.start(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0)).port();
        return "ws://127.0.0.1:" + port + "/";
    }

    private int run(String stdin, String... args) {
        return ClientCommand.run(args, new ByteArrayInputStream(stdin.getBytes(StandardCharsets.UTF_8)),
                new PrintStream(out, true, StandardCharsets.UTF_8), new PrintStream(err, true, StandardCharsets.UTF_8));
    }

    private String stdout() {
        return out.toString(StandardCharsets.UTF_8);
    }

    @Test
    void linesGoOutAndEchoesComeBackThenACleanClose() throws Exception {
        assertEquals(Main.EXIT_OK, run("hello\nwörld\n\nlast", echoUri(), "--header", "Authorization: Bearer x"));
        assertEquals("hello\nwörld\n\nlast\n", stdout().replace("\r\n", "\n"));
        assertTrue(err.toString(StandardCharsets.UTF_8).contains("closed 1000"), err.toString(StandardCharsets.UTF_8));
    }

    @Test
    void binaryMessagesArePrintedAsHex() throws Exception {
        assertEquals(Main.EXIT_OK, run("hi\n", echoUri(), "--binary"));
        assertEquals("6869\n", stdout().replace("\r\n", "\n"));
    }

    @Test
    void compressNegotiatesPermessageDeflate() throws Exception {
        String longLine = "compressible ".repeat(100); // above the 256-byte threshold: really compressed
        assertEquals(Main.EXIT_OK, run("x\n" + longLine + "\n", echoUri(), "--compress"));
        assertEquals("x\n" + longLine + "\n", stdout().replace("\r\n", "\n"));
        assertTrue(err.toString(StandardCharsets.UTF_8).contains("compression: permessage-deflate"), err.toString(StandardCharsets.UTF_8));
    }

    @Test
    void subprotocolAndEscapesSpeakTheEchoChamber() throws Exception {
        try (var chamber = dev.shuttle.examples.chamber.EchoChamberServer.builder()
                .address(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0)).start()) {
            String uri = "ws://127.0.0.1:" + chamber.port() + "/room";
            assertEquals(Main.EXIT_OK, run("T**\\nhello\\\\world\n", uri, "--subprotocol", "echo", "--escapes"));
            assertEquals("I0\nF0\\nhello\\\\world\n", stdout().replace("\r\n", "\n"));
        }
        assertEquals("a\nb\\c\\d", ClientCommand.unescape("a\\nb\\\\c\\d"));
        assertEquals("a\\nb\\\\c", ClientCommand.printable("a\nb\\c", true));
    }

    @Test
    void aRefusedConnectionExits1() throws Exception {
        int port;
        try (ServerSocket s = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
            port = s.getLocalPort(); // closed again: nothing listens there any more
        }
        assertEquals(Main.EXIT_FAILED, run("", "ws://127.0.0.1:" + port + "/"));
        assertTrue(err.toString(StandardCharsets.UTF_8).startsWith("error: cannot connect"), err.toString(StandardCharsets.UTF_8));
    }

    @ParameterizedTest
    @ValueSource(strings = {"", "http://x/", "ws://h/ ws://h/", "ws://h/ --header", "ws://h/ --header nocolon", "ws://h/ --verbose"})
    void aBadCommandLineExits2(String line) {
        assertEquals(Main.EXIT_USAGE, run("", line.isEmpty() ? new String[0] : line.split(" ")));
        assertTrue(err.toString(StandardCharsets.UTF_8).contains("usage: java -jar shuttle-examples.jar client"));
    }

    @Test
    void mainDispatchesTheClientCommand() throws Exception {
        assertEquals(Main.EXIT_OK, Main.run(new String[] {"client", "--help"}, new PrintStream(out, true, StandardCharsets.UTF_8),
                new PrintStream(err, true, StandardCharsets.UTF_8)));
        assertTrue(stdout().startsWith("usage: java -jar shuttle-examples.jar client"));
    }
}
