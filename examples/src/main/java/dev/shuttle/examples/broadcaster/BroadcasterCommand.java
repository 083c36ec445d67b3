package dev.shuttle.examples.broadcaster;

import java.io.PrintStream;
import java.io.PrintWriter;
import java.nio.charset.StandardCharsets;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.concurrent.CountDownLatch;

import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

/**
 * {@code java -jar shuttle-examples.jar broadcaster <listen_addr> [flags]}: wsbroad's command line
 * on Shuttle. Every message sent to a URL reaches every other client connected to the same URL.
 * Exit codes: 0 after a clean shutdown (SIGINT/SIGTERM) or {@code --help}, 1 when it cannot
 * listen, 2 for a bad command line (the usage goes to stderr).
 */
@Command(name = "broadcaster", sortOptions = false, usageHelpWidth = 100,
        customSynopsis = "java -jar shuttle-examples.jar broadcaster <listen_addr> [flags]",
        description = {"Each WebSocket message sent to a URL (path and query) is delivered to every other client "
            + "connected to the same URL: wsbroad on Shuttle. A slow receiver misses messages unless "
            + "--backpressure or --stochastic-queue say otherwise.", ""})
public final class BroadcasterCommand {
    static final int EXIT_OK = 0;
    static final int EXIT_FAILED = 1;
    static final int EXIT_USAGE = 2;

    @Parameters(index = "0", paramLabel = "<listen_addr>",
            description = "TCP address (127.0.0.1:9002, [::]:9002) to bind and listen on, a path for a UNIX socket "
            + "(starting with / or ./), or `sd-listen` for the socket a service manager passed on "
            + "standard input (systemd: StandardInput=socket; for fd 3 with LISTEN_FDS start java with "
            + "0<&3). Abstract UNIX addresses (@name) are refused: the JDK cannot bind them.")
    String listenAddress;

    @Option(names = "--unix-listen-unlink",
            description = "remove a stale UNIX socket (never another kind of file) before binding")
    boolean unixListenUnlink;

    @Option(names = "--unix-listen-chmod", paramLabel = "<mode>", converter = ChmodMode.Converter.class,
            description = "file mode of the newly bound UNIX socket: owner (rw-------), group (rw-rw----) or "
            + "everybody (rw-rw-rw-)")
    ChmodMode unixListenChmod;

    @Option(names = "--unix-listen-uid", paramLabel = "<uid>",
            description = "numeric owner uid for the newly bound UNIX socket")
    Long unixListenUid;

    @Option(names = "--unix-listen-gid", paramLabel = "<gid>",
            description = "numeric group gid for the newly bound UNIX socket")
    Long unixListenGid;

    @Option(names = "--sd-accept-ignore-environment",
            description = "not supported: the socket is taken from standard input, never from fd 3")
    boolean sdAcceptIgnoreEnvironment;

    @Option(names = "--tcp-keepalive", paramLabel = "<ka_triplet>",
            description = "SO_KEEPALIVE for each accepted TCP connection: time_ms:count:interval_ms, each part "
            + "optional (\"\" turns keepalive on with the system's timings); times are rounded up to "
            + "whole seconds")
    String tcpKeepAlive;

    @Option(names = "--tcp-reuse-port",
            description = "set SO_REUSEPORT, so that several processes accept connections on one port in turn (each "
            + "has its own URLs)")
    boolean tcpReusePort;

    @Option(names = "--tcp-only-v6",
            description = "serve IPv6 clients only on an IPv6 address; the JDK has no IPV6_V6ONLY, so IPv4 clients of"
            + " [::] are reset at accept and the IPv4 port stays taken")
    boolean tcpOnlyV6;

    @Option(names = "--tcp-listen-backlog", paramLabel = "<bl>",
            description = "maximum number of pending unaccepted connections (default 1024)")
    Long tcpListenBacklog;

    @Option(names = "--recv-buffer-size", paramLabel = "<sz>", description = "SO_RCVBUF of the sockets, in bytes")
    Long recvBufferSize;

    @Option(names = "--send-buffer-size", paramLabel = "<sz>",
            description = "SO_SNDBUF of the sockets, in bytes; with --max-write-buffer-size it bounds what waits for "
            + "a slow client")
    Long sendBufferSize;

    @Option(names = "--write-buffer-size", paramLabel = "<size_bytes>",
            description = "accepted for compatibility and without effect: each connection's writer sends everything "
            + "queued at once, so there is no batching threshold")
    Long writeBufferSize;

    @Option(names = "--max-write-buffer-size", paramLabel = "<size_bytes>", defaultValue = "4194304",
            description = "bytes that may wait for one client before dropping (or slowing the sender) begins; default"
            + " 4 MiB")
    long maxWriteBufferSize;

    @Option(names = "--max-message-size", paramLabel = "<size_bytes>", defaultValue = "1048576",
            description = "largest message a client may send (closed with 1009 beyond); default 1 MiB")
    long maxMessageSize;

    @Option(names = "--max-frame-size", paramLabel = "<size_bytes>", defaultValue = "1048576",
            description = "largest single frame a client may send (closed with 1009 beyond); default 1 MiB")
    long maxFrameSize;

    @Option(names = "--accept-unmasked-frames",
            description = "accept client frames without a mask, against RFC 6455; unsafe where browsers and proxies "
            + "are involved")
    boolean acceptUnmaskedFrames;

    @Option(names = "--max-urls", paramLabel = "<num>", defaultValue = "64",
            description = "URLs served at once; a client of one more is refused with 503; default 64")
    long maxUrls;

    @Option(names = "--reflexive", description = "also send messages back to their sender")
    boolean reflexive;

    @Option(names = "--backpressure",
            description = "slow down senders while a receiver of their URL cannot take messages fast enough; makes "
            + "messages reliable")
    boolean backpressure;

    @Option(names = "--backpressure-with-errors",
            description = "as --backpressure, and disconnect the senders to a URL whose receiver vanished abruptly (a"
            + " write to it failed)")
    boolean backpressureWithErrors;

    @Option(names = "--nodelay", description = "set TCP_NODELAY: small messages go out at once, without Nagle's delay")
    boolean nodelay;

    @Option(names = "--stochastic-queue", paramLabel = "<qlen>",
            description = "drop messages to slow receivers with a probability rising with their queue, spreading "
            + "drops out instead of in bursts; qlen is the extra queue length, in messages")
    Long stochasticQueue;

    @Option(names = "--access-prefixes", hidden = true)
    boolean accessPrefixes;

    @Option(names = "--access-prefixes-allow-unsolicited-write", hidden = true)
    boolean accessPrefixesAllowUnsolicitedWrite;

    @Option(names = {"-h", "--help"}, usageHelp = true, description = "print this help and exit")
    boolean help;

    /** A command line that parses but cannot be served as asked. */
    static final class UsageException extends Exception {
        UsageException(String message) {
            super(message);
        }
    }

    private BroadcasterCommand() {
    }

    /**
     * Parses, starts and serves until SIGINT/SIGTERM. Returns the exit code instead of calling
     * {@code System.exit}, so that tests can call it.
     */
    public static int run(String[] args, PrintStream out, PrintStream err) throws InterruptedException {
        BroadcasterCommand command = new BroadcasterCommand();
        CommandLine line = new CommandLine(command);
        Settings settings;
        try {
            line.parseArgs(args);
            if (line.isUsageHelpRequested()) {
                line.usage(out);
                return EXIT_OK;
            }
            settings = command.settings();
        } catch (CommandLine.ParameterException | UsageException e) {
            err.println("error: " + e.getMessage());
            line.usage(new PrintWriter(err, true, StandardCharsets.UTF_8));
            return EXIT_USAGE;
        }

        CountDownLatch stopped = new CountDownLatch(1);
        Broadcaster broadcaster;
        try {
            broadcaster = Broadcaster.start(settings, out);
        } catch (Exception e) {
            err.println("error: cannot listen on " + command.listenAddress + ": " + e.getMessage());
            return EXIT_FAILED;
        }
        Runtime.getRuntime().addShutdownHook(Thread.ofPlatform().name("broadcaster-shutdown").unstarted(() -> {
            broadcaster.close();
            stopped.countDown();
        }));
        // wsbroad prints nothing at start; this goes to stderr so that stdout stays its log.
        err.println("broadcaster listening on " + Broadcaster.describe(broadcaster.listening()));
        err.flush();
        stopped.await();
        return EXIT_OK;
    }

    /** The settings of a command line that asks for no help; for tests and for {@link #run}'s checks alike. */
    static Settings parse(String... args) throws UsageException {
        BroadcasterCommand command = new BroadcasterCommand();
        try {
            new CommandLine(command).parseArgs(args);
        } catch (CommandLine.ParameterException e) {
            throw new UsageException(e.getMessage());
        }
        return command.settings();
    }

    /** What the flags ask for; every check that needs no socket is done here. */
    Settings settings() throws UsageException {
        if (sdAcceptIgnoreEnvironment) {
            throw new UsageException("--sd-accept-ignore-environment is not supported: the JDK cannot open fd 3;"
                    + " the socket is taken from standard input (start java with 0<&3, or StandardInput=socket)");
        }
        if (accessPrefixes || accessPrefixesAllowUnsolicitedWrite) {
            throw new UsageException("--access-prefixes is not supported");
        }
        if (stochasticQueue != null && (backpressure || backpressureWithErrors)) {
            throw new UsageException("--stochastic-queue is incompatible with --backpressure and --backpressure-with-errors");
        }
        ListenAddress address;
        try {
            address = ListenAddress.parse(listenAddress);
        } catch (ListenAddress.BadAddressException e) {
            throw new UsageException(e.getMessage());
        }
        Settings.Policy policy = backpressureWithErrors ? Settings.Policy.BACKPRESSURE_WITH_ERRORS
                : backpressure ? Settings.Policy.BACKPRESSURE
                : stochasticQueue != null ? Settings.Policy.STOCHASTIC
                : Settings.Policy.DROP;
        return new Settings(address,
                unixListenUnlink,
                unixListenChmod == null ? null : PosixFilePermissions.fromString(unixListenChmod.permissions()),
                unixListenUid == null ? -1 : id(unixListenUid, "--unix-listen-uid"),
                unixListenGid == null ? -1 : id(unixListenGid, "--unix-listen-gid"),
                tcpKeepAlive == null ? null : KeepAliveTriplet.parse(tcpKeepAlive),
                tcpReusePort,
                tcpOnlyV6,
                tcpListenBacklog == null ? 1024 : intAtLeast(tcpListenBacklog, 1, "--tcp-listen-backlog"),
                recvBufferSize == null ? 0 : intAtLeast(recvBufferSize, 1, "--recv-buffer-size"),
                sendBufferSize == null ? 0 : intAtLeast(sendBufferSize, 1, "--send-buffer-size"),
                atLeast(maxWriteBufferSize, 1, "--max-write-buffer-size"),
                atLeast(maxMessageSize, 1, "--max-message-size"),
                atLeast(maxFrameSize, 1, "--max-frame-size"),
                acceptUnmaskedFrames,
                intAtLeast(maxUrls, 1, "--max-urls"),
                reflexive,
                nodelay,
                policy,
                stochasticQueue == null ? 0 : intAtLeast(stochasticQueue, 1, "--stochastic-queue"));
    }

    private static long atLeast(long value, long min, String flag) throws UsageException {
        if (value < min) {
            throw new UsageException(flag + " must be at least " + min + ": " + value);
        }
        return value;
    }

    private static int intAtLeast(long value, int min, String flag) throws UsageException {
        atLeast(value, min, flag);
        if (value > Integer.MAX_VALUE) {
            throw new UsageException(flag + " must be at most " + Integer.MAX_VALUE + ": " + value);
        }
        return (int) value;
    }

    /** A numeric uid or gid: the JDK sets them as a Java int. */
    private static int id(long value, String flag) throws UsageException {
        return intAtLeast(value, 0, flag);
    }
}
