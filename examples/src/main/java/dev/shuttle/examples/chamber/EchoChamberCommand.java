package dev.shuttle.examples.chamber;

import java.io.PrintStream;
import java.io.PrintWriter;
import java.net.InetSocketAddress;
import java.time.Instant;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.concurrent.Callable;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.atomic.AtomicReference;

import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.Spec;

/**
 * {@code java -jar shuttle-examples.jar echo-chamber [<port> [<domain,…>]] [--host H] [--hall PREFIX:LIMITS]…}:
 * the reference's {@code echo-chamber <port> <domains>} on Shuttle, until SIGINT or SIGTERM.
 * Exit codes: 0 after a clean shutdown or {@code --help}, 1 when it cannot listen, 2 for a bad
 * command line.
 */
@Command(name = "echo-chamber", sortOptions = false,
        description = {
                "websocket-echo-chamber's protocol: chambers by URL, IDs, hi/bye/from metadata, targeted sends.",
                "Connect with the subprotocol 'echo' to ws://HOST:PORT/<chamber>."},
        footer = {
                "",
                "Limits per prefix, with the reference's names; any left out takes its default:",
                "  MAX_QUEUE_ITEMS=1024  MAX_QUEUE_DATA=131072  HEADERS_MAX_LENGTH=256",
                "  CHAMBER_MAX_CONNECTIONS=64  MAX_CHAMBERS=512",
                "Without --hall, the halls of the reference's bin/server.js:",
                "  --hall /p2/:MAX_QUEUE_ITEMS=0,MAX_QUEUE_DATA=0,HEADERS_MAX_LENGTH=1024,\\",
                "CHAMBER_MAX_CONNECTIONS=2,MAX_CHAMBERS=512",
                "  --hall /:MAX_QUEUE_ITEMS=1024,MAX_QUEUE_DATA=16384,HEADERS_MAX_LENGTH=1024,\\",
                "CHAMBER_MAX_CONNECTIONS=64,MAX_CHAMBERS=256",
                "(written here on two lines each; one argument without spaces on the command line)"})
public final class EchoChamberCommand implements Callable<Integer> {
    static final int EXIT_OK = 0;
    static final int EXIT_FAILED = 1;
    static final int EXIT_USAGE = 2;

    @Parameters(index = "0", arity = "0..1", paramLabel = "<port>", defaultValue = "8080",
            description = "port to listen on, 0 for any free one (default ${DEFAULT-VALUE})")
    int port;

    @Parameters(index = "1", arity = "0..1", paramLabel = "<domain,…>",
            description = "Origin values allowed, comma-separated and compared exactly, e.g. https://example.com,file:// "
                    + "(default: any Origin; with a list, a request without Origin is refused too)")
    String domains;

    @Option(names = "--host", paramLabel = "H", defaultValue = "localhost",
            description = "address to bind (default ${DEFAULT-VALUE})")
    String host;

    @Option(names = "--hall", paramLabel = "PREFIX[:NAME=VALUE,…]",
            description = "a URL prefix with its limits; repeatable, the first prefix that matches wins")
    List<String> halls = new ArrayList<>();

    @Option(names = "--max-message-size", paramLabel = "BYTES", defaultValue = "65536",
            description = "largest message relayed; beyond, the sender is closed with 1009 (default ${DEFAULT-VALUE})")
    long maxMessageSize;

    @Option(names = "--max-write-buffer", paramLabel = "BYTES", defaultValue = "65536",
            description = "a member with more bytes waiting to be written to it is not reading and is closed "
                    + "with 1008 (default ${DEFAULT-VALUE})")
    long maxWriteBuffer;

    @Option(names = {"-h", "--help"}, usageHelp = true, description = "show this help and exit")
    boolean help;

    @Spec
    CommandSpec spec;

    private final PrintStream out;
    private final AtomicReference<EchoChamberServer> running;
    private final CountDownLatch stop;

    private EchoChamberCommand(PrintStream out, AtomicReference<EchoChamberServer> running, CountDownLatch stop) {
        this.out = out;
        this.running = running;
        this.stop = stop;
    }

    /** Runs until the JVM is asked to stop; returns the exit code. */
    public static int run(String[] args, PrintStream out, PrintStream err) {
        CountDownLatch stop = new CountDownLatch(1);
        AtomicReference<EchoChamberServer> running = new AtomicReference<>();
        Runtime.getRuntime().addShutdownHook(Thread.ofPlatform().name("echo-chamber-shutdown").unstarted(() -> {
            EchoChamberServer server = running.getAndSet(null);
            if (server != null) {
                out.println();
                log(out, "Shutting down...");
                server.close();
                log(out, "Shutdown");
            }
            stop.countDown();
        }));
        return run(args, out, err, running, stop);
    }

    /** The same, stopping when {@code stop} opens; tests call this. */
    static int run(String[] args, PrintStream out, PrintStream err, AtomicReference<EchoChamberServer> running,
                   CountDownLatch stop) {
        CommandLine line = new CommandLine(new EchoChamberCommand(out, running, stop));
        line.setOut(new PrintWriter(out, true));
        line.setErr(new PrintWriter(err, true));
        line.setExecutionExceptionHandler((e, commandLine, parsed) -> {
            err.println("error: cannot listen: " + e);
            return EXIT_FAILED;
        });
        return line.execute(args);
    }

    /** The parsed settings, checked: what the server is built from. */
    EchoChamberServer.Builder settings() {
        if (port < 0 || port > 65535) {
            throw new CommandLine.ParameterException(spec.commandLine(), "bad port: " + port + " (0-65535)");
        }
        List<HallSpec> parsed = new ArrayList<>();
        for (String hall : halls) {
            try {
                parsed.add(HallSpec.parse(hall));
            } catch (IllegalArgumentException e) {
                throw new CommandLine.ParameterException(spec.commandLine(), "bad --hall '" + hall + "': " + e.getMessage());
            }
        }
        InetSocketAddress address = new InetSocketAddress(host, port);
        if (address.isUnresolved()) {
            throw new CommandLine.ParameterException(spec.commandLine(), "cannot resolve host " + host);
        }
        EchoChamberServer.Builder b = EchoChamberServer.builder()
                .address(address)
                .origins(domains == null || domains.isEmpty() ? List.of() : Arrays.asList(domains.split(",")))
                .log(text -> log(out, text));
        try {
            b.maxMessageSize(maxMessageSize).maxOutbound(maxWriteBuffer);
        } catch (IllegalArgumentException e) {
            throw new CommandLine.ParameterException(spec.commandLine(), e.getMessage());
        }
        if (!parsed.isEmpty()) {
            b.halls(parsed);
        }
        return b;
    }

    @Override
    public Integer call() throws Exception {
        EchoChamberServer server = settings().start();
        running.set(server);
        out.println("Available at ws://" + host + ":" + server.port() + "/");
        out.println();
        out.flush();
        stop.await();
        EchoChamberServer left = running.getAndSet(null); // stopped by a test, not by the shutdown hook
        if (left != null) {
            left.close();
        }
        return EXIT_OK;
    }

    /** The reference's log format: the time as JavaScript's toISOString() writes it, a space, the line. */
    private static final DateTimeFormatter TIME = DateTimeFormatter.ofPattern("uuuu-MM-dd'T'HH:mm:ss.SSS'Z'").withZone(ZoneOffset.UTC);

    private static void log(PrintStream out, String text) {
        out.println(TIME.format(Instant.now()) + " " + text);
    }
}
