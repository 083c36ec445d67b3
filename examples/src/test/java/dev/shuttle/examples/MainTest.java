package dev.shuttle.examples;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/** The command line, without starting anything: every bad input ends in usage and exit code 2. */
class MainTest {
    private final ByteArrayOutputStream out = new ByteArrayOutputStream();
    private final ByteArrayOutputStream err = new ByteArrayOutputStream();

    private int run(String... args) throws InterruptedException {
        return Main.run(args, new PrintStream(out, true, StandardCharsets.UTF_8), new PrintStream(err, true, StandardCharsets.UTF_8));
    }

    @ParameterizedTest
    @ValueSource(strings = {
            "", "nope", "Echo", "echo --port", "echo --port x", "echo --port -1", "echo --port 65536",
            "broadcast --verbose 1", "rtt --host", "rtt --host --port", "echo stray",
    })
    void badCommandLinePrintsUsageAndExits2(String line) throws InterruptedException {
        String[] args = line.isEmpty() ? new String[0] : line.split(" ");
        assertEquals(Main.EXIT_USAGE, run(args));
        String printed = err.toString(StandardCharsets.UTF_8);
        assertTrue(printed.startsWith("error: "), printed);
        assertTrue(printed.contains("usage: java -jar shuttle-examples.jar <echo|broadcast|rtt>"), printed);
        assertEquals("", out.toString(StandardCharsets.UTF_8));
    }

    @Test
    void helpPrintsUsageAndExits0() throws InterruptedException {
        assertEquals(Main.EXIT_OK, run("--help"));
        assertTrue(out.toString(StandardCharsets.UTF_8).startsWith("usage: "));
        assertEquals("", err.toString(StandardCharsets.UTF_8));
    }

    @ParameterizedTest
    @ValueSource(strings = {"broadcaster", "echo-chamber", "client"})
    void usageNamesEveryCommandMainDispatchesAndEachHasItsOwnHelp(String name) throws InterruptedException {
        assertEquals(Main.EXIT_OK, run("--help"));
        String usage = out.toString(StandardCharsets.UTF_8);
        assertTrue(usage.contains("java -jar shuttle-examples.jar " + name + " "), usage);
        assertTrue(usage.lines().anyMatch(l -> l.startsWith("  " + name + " ")), usage);
        out.reset();
        assertEquals(Main.EXIT_OK, run(name, "--help"));
        assertTrue(out.toString(StandardCharsets.UTF_8).contains(name), out.toString(StandardCharsets.UTF_8));
        assertEquals("", err.toString(StandardCharsets.UTF_8));
    }

    @Test
    void defaultsAreLocalhost8080() throws Command.UsageException {
        assertEquals(new Command("broadcast", "localhost", 8080, false), Command.parse("broadcast"));
    }

    @Test
    void flagsInAnyOrderAndPortZero() throws Command.UsageException {
        assertEquals(new Command("rtt", "127.0.0.1", 0, false), Command.parse("rtt", "--port", "0", "--host", "127.0.0.1"));
        assertEquals(new Command("echo", "::1", 9000, false), Command.parse("echo", "--host", "::1", "--port", "9000"));
    }

    @Test
    void eachCommandMakesItsExample() throws Command.UsageException {
        assertTrue(Command.parse("echo").newExample() instanceof EchoExample);
        assertTrue(Command.parse("broadcast").newExample() instanceof BroadcastExample);
        assertTrue(Command.parse("rtt").newExample() instanceof RttExample);
    }

    @Test
    void unknownExampleIsNamedInTheError() {
        Command.UsageException e = assertThrows(Command.UsageException.class, () -> Command.parse("chat"));
        assertEquals("unknown example: chat", e.getMessage());
    }
}
