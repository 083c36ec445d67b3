package dev.shuttle.examples.broadcaster;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.UnixDomainSocketAddress;
import java.nio.charset.StandardCharsets;
import java.nio.file.attribute.PosixFilePermissions;
import java.time.Duration;
import java.util.List;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

import dev.shuttle.websocket.Options;
import dev.shuttle.websocket.hub.SlowConsumerPolicy;
import dev.shuttle.websocket.OverflowPolicy;
import dev.shuttle.websocket.standalone.ListenerOptions;
import dev.shuttle.websocket.standalone.TcpKeepAlive;

/** The broadcaster's command line without a socket: wsbroad's flags, their defaults, and bad input (usage, exit 2). */
class BroadcasterCommandTest {
    private static final String USAGE_LINE = "java -jar shuttle-examples.jar broadcaster <listen_addr> [flags]";

    private final ByteArrayOutputStream out = new ByteArrayOutputStream();
    private final ByteArrayOutputStream err = new ByteArrayOutputStream();

    private int run(String... args) throws InterruptedException {
        return BroadcasterCommand.run(args, new PrintStream(out, true, StandardCharsets.UTF_8),
                new PrintStream(err, true, StandardCharsets.UTF_8));
    }

    @Test
    void defaultsAreWsbroads() throws Exception {
        Settings s = BroadcasterCommand.parse("127.0.0.1:9002");
        assertEquals(new ListenAddress.Tcp(new InetSocketAddress(InetAddress.getByName("127.0.0.1"), 9002)), s.address());
        assertEquals(4L << 20, s.maxWriteBufferSize());
        assertEquals(1L << 20, s.maxMessageSize());
        assertEquals(1L << 20, s.maxFrameSize());
        assertEquals(64, s.maxUrls());
        assertEquals(Settings.Policy.DROP, s.policy());
        assertFalse(s.reflexive());
        assertFalse(s.noDelay(), "wsbroad leaves Nagle on unless --nodelay");
        assertFalse(s.acceptUnmaskedFrames());
        assertEquals(1024, s.backlog());
        assertEquals(0, s.receiveBufferSize());
        assertEquals(0, s.sendBufferSize());
        assertNull(s.tcpKeepAlive());
        assertFalse(s.reusePort());
        assertFalse(s.ipv6Only());
        assertFalse(s.unlinkSocketFile());
        assertNull(s.socketFilePermissions());
        assertEquals(-1, s.socketFileOwner());
        assertEquals(-1, s.socketFileGroup());

        Options o = s.serverOptions();
        assertEquals(4L << 20, o.maxQueuedBytes());
        assertEquals(1L << 20, o.maxMessageSize());
        assertEquals(1L << 20, o.maxFramePayload());
        assertEquals(OverflowPolicy.DROP, o.overflowPolicy());
        assertFalse(o.compression().enabled(), "wsbroad has no permessage-deflate");
        ListenerOptions l = s.listenerOptions().build();
        assertFalse(l.tcpNoDelay());
        assertEquals(1024, l.backlog());
    }

    @Test
    void everyFlagIsParsed() throws Exception {
        Settings s = BroadcasterCommand.parse("[::]:9002",
                "--unix-listen-unlink", "--unix-listen-chmod", "Group", "--unix-listen-uid", "1000", "--unix-listen-gid", "1001",
                "--tcp-keepalive", "60000:3:5000", "--tcp-reuse-port", "--tcp-only-v6", "--tcp-listen-backlog", "16",
                "--recv-buffer-size", "65536", "--send-buffer-size", "32768", "--write-buffer-size", "131072",
                "--max-write-buffer-size", "1000000", "--max-message-size", "5000", "--max-frame-size", "4000",
                "--accept-unmasked-frames", "--max-urls", "3", "--reflexive", "--backpressure", "--nodelay");
        assertEquals(new ListenAddress.Tcp(new InetSocketAddress(InetAddress.getByName("::"), 9002)), s.address());
        assertTrue(s.unlinkSocketFile());
        assertEquals(PosixFilePermissions.fromString("rw-rw----"), s.socketFilePermissions());
        assertEquals(1000, s.socketFileOwner());
        assertEquals(1001, s.socketFileGroup());
        assertEquals(new TcpKeepAlive(Duration.ofSeconds(60), 3, Duration.ofSeconds(5)), s.tcpKeepAlive());
        assertTrue(s.reusePort());
        assertTrue(s.ipv6Only());
        assertEquals(16, s.backlog());
        assertEquals(65536, s.receiveBufferSize());
        assertEquals(32768, s.sendBufferSize());
        assertEquals(1_000_000, s.maxWriteBufferSize());
        assertEquals(5000, s.maxMessageSize());
        assertEquals(4000, s.maxFrameSize());
        assertTrue(s.acceptUnmaskedFrames());
        assertEquals(3, s.maxUrls());
        assertTrue(s.reflexive());
        assertEquals(Settings.Policy.BACKPRESSURE, s.policy());
        assertTrue(s.noDelay());

        Options o = s.serverOptions();
        assertEquals(1_000_000, o.maxQueuedBytes());
        assertEquals(5000, o.maxMessageSize());
        assertEquals(4000, o.maxFramePayload());
        assertTrue(o.acceptUnmaskedFrames());
        ListenerOptions l = s.listenerOptions().build();
        assertTrue(l.tcpNoDelay());
        assertTrue(l.reusePort());
        assertTrue(l.ipv6Only());
        assertEquals(16, l.backlog());
        assertEquals(65536, l.receiveBufferSize());
        assertEquals(32768, l.sendBufferSize());
        assertEquals(s.tcpKeepAlive(), l.tcpKeepAlive());
        assertEquals(1000, l.socketFileOwner());
        assertEquals(1001, l.socketFileGroup());
        assertTrue(l.unlinkExistingSocketFile());
    }

    @Test
    void policiesFromTheFlags() throws Exception {
        assertEquals(Settings.Policy.BACKPRESSURE_WITH_ERRORS, BroadcasterCommand.parse("127.0.0.1:1", "--backpressure-with-errors").policy());
        assertEquals(Settings.Policy.BACKPRESSURE_WITH_ERRORS,
                BroadcasterCommand.parse("127.0.0.1:1", "--backpressure", "--backpressure-with-errors").policy());
        Settings stochastic = BroadcasterCommand.parse("127.0.0.1:1", "--stochastic-queue", "100");
        assertEquals(Settings.Policy.STOCHASTIC, stochastic.policy());
        assertEquals(100, stochastic.stochasticQueue());
        assertEquals(SlowConsumerPolicy.stochastic(100), stochastic.hubPolicy());
        assertEquals(SlowConsumerPolicy.DROP, BroadcasterCommand.parse("127.0.0.1:1").hubPolicy());
        assertEquals(SlowConsumerPolicy.BACKPRESSURE, BroadcasterCommand.parse("127.0.0.1:1", "--backpressure").hubPolicy());
        assertEquals(SlowConsumerPolicy.BACKPRESSURE_WITH_ERRORS,
                BroadcasterCommand.parse("127.0.0.1:1", "--backpressure-with-errors").hubPolicy());
    }

    @Test
    void keepAliveTriplets() throws Exception {
        assertEquals(TcpKeepAlive.SYSTEM_DEFAULTS, BroadcasterCommand.parse("127.0.0.1:1", "--tcp-keepalive", "").tcpKeepAlive());
        assertEquals(new TcpKeepAlive(Duration.ofMillis(1500), 0, null),
                BroadcasterCommand.parse("127.0.0.1:1", "--tcp-keepalive", "1500").tcpKeepAlive());
        assertEquals(new TcpKeepAlive(null, 4, null), BroadcasterCommand.parse("127.0.0.1:1", "--tcp-keepalive", ":4").tcpKeepAlive());
        assertEquals(new TcpKeepAlive(null, 0, Duration.ofSeconds(2)),
                BroadcasterCommand.parse("127.0.0.1:1", "--tcp-keepalive=::2000").tcpKeepAlive());
    }

    @Test
    void listenAddresses() throws Exception {
        assertEquals(new ListenAddress.Unix(UnixDomainSocketAddress.of("/run/wsbroad.sock")),
                BroadcasterCommand.parse("/run/wsbroad.sock").address());
        assertEquals(new ListenAddress.Unix(UnixDomainSocketAddress.of("./wsbroad.sock")),
                BroadcasterCommand.parse("./wsbroad.sock").address());
        for (String sd : List.of("sd-listen", "SD_LISTEN", "sd-listen-unix", "sd_listen_unix")) {
            assertInstanceOf(ListenAddress.Inherited.class, BroadcasterCommand.parse(sd).address(), sd);
            assertTrue(BroadcasterCommand.parse(sd).listenerOptions().build().inherited(), sd);
        }
        ListenAddress v6 = BroadcasterCommand.parse("[::1]:9002").address();
        assertEquals(new InetSocketAddress(InetAddress.getByName("::1"), 9002), ((ListenAddress.Tcp) v6).address());
    }

    @ParameterizedTest
    @ValueSource(strings = {
        "",                                             // no listen_addr
        "127.0.0.1:9002 extra",                         // a second positional
        "127.0.0.1:9002 --no-such-flag",
        "127.0.0.1:9002 --max-urls",                    // missing value
        "127.0.0.1:9002 --max-urls many",
        "127.0.0.1:9002 --max-urls 0",
        "127.0.0.1:9002 --max-message-size 0",
        "127.0.0.1:9002 --max-frame-size -1",
        "127.0.0.1:9002 --max-write-buffer-size 1x",
        "127.0.0.1:9002 --tcp-listen-backlog 0",
        "127.0.0.1:9002 --recv-buffer-size 4294967296",
        "127.0.0.1:9002 --send-buffer-size 0",
        "127.0.0.1:9002 --stochastic-queue 0",
        "127.0.0.1:9002 --stochastic-queue 10 --backpressure",
        "127.0.0.1:9002 --stochastic-queue 10 --backpressure-with-errors",
        "127.0.0.1:9002 --unix-listen-chmod world",
        "127.0.0.1:9002 --unix-listen-uid -1",
        "127.0.0.1:9002 --tcp-keepalive 1:2:3:4",
        "127.0.0.1:9002 --tcp-keepalive x",
        "127.0.0.1:9002 --tcp-keepalive 0",
        "127.0.0.1:9002 --sd-accept-ignore-environment",
        "127.0.0.1:9002 --access-prefixes",
        "@abstract",
        "sd-listen:named",
        "inetd",
        "9002",
        ":9002",
        "127.0.0.1:",
        "127.0.0.1:70000",
        "::1:9002",
    })
    void badCommandLinePrintsUsageOnStderrAndExits2(String line) throws InterruptedException {
        String[] args = line.isEmpty() ? new String[0] : line.split(" ");
        assertEquals(BroadcasterCommand.EXIT_USAGE, run(args));
        String printed = err.toString(StandardCharsets.UTF_8);
        assertTrue(printed.startsWith("error: "), printed);
        assertTrue(printed.contains("Usage: " + USAGE_LINE), printed);
        assertEquals("", out.toString(StandardCharsets.UTF_8));
    }

    @Test
    void unsupportedFeaturesSayWhy() {
        assertTrue(message("@srv").contains("abstract UNIX socket names (@srv) are not supported"));
        assertTrue(message("127.0.0.1:1", "--sd-accept-ignore-environment").contains("0<&3"));
        assertTrue(message("127.0.0.1:1", "--stochastic-queue", "5", "--backpressure").contains("incompatible"));
        assertTrue(message("127.0.0.1:1", "--bogus").contains("Unknown option: '--bogus'"));
    }

    @Test
    void helpListsEveryFlagAndExits0() throws InterruptedException {
        for (String flag : List.of("-h", "--help")) {
            out.reset();
            assertEquals(BroadcasterCommand.EXIT_OK, run(flag));
            String help = out.toString(StandardCharsets.UTF_8);
            assertTrue(help.contains("Usage: " + USAGE_LINE), help);
            for (String f : List.of("<listen_addr>", "--unix-listen-unlink", "--unix-listen-chmod", "--unix-listen-uid",
                    "--unix-listen-gid", "--sd-accept-ignore-environment", "--tcp-keepalive", "--tcp-reuse-port", "--tcp-only-v6",
                    "--tcp-listen-backlog", "--recv-buffer-size", "--send-buffer-size", "--write-buffer-size",
                    "--max-write-buffer-size", "--max-message-size", "--max-frame-size", "--accept-unmasked-frames",
                    "--max-urls", "--reflexive", "--backpressure", "--backpressure-with-errors", "--nodelay",
                    "--stochastic-queue", "-h, --help")) {
                assertTrue(help.contains(f), f + " in " + help);
            }
        }
        assertEquals("", err.toString(StandardCharsets.UTF_8));
    }

    @Test
    void cannotListenExits1() throws InterruptedException {
        // A regular file where the socket should go: binding fails, no usage.
        assertEquals(BroadcasterCommand.EXIT_FAILED, run("/proc/version"));
        String printed = err.toString(StandardCharsets.UTF_8);
        assertTrue(printed.startsWith("error: cannot listen on /proc/version: "), printed);
        assertFalse(printed.contains("Usage:"), printed);
    }

    private static String message(String... args) {
        return assertThrows(BroadcasterCommand.UsageException.class, () -> BroadcasterCommand.parse(args)).getMessage();
    }
}
