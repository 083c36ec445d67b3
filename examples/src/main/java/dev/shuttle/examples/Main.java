package dev.shuttle.examples;

import java.io.PrintStream;
import java.net.InetSocketAddress;
import java.util.concurrent.CountDownLatch;


/**
 * {@code java -jar shuttle-examples.jar <echo|broadcast|rtt> [--host H] [--port N] [--transport T]}
 * (or {@code broadcaster}, {@code echo-chamber}, {@code client} with command lines of their own):
 * starts one example on the built-in listener (or Jetty, or a servlet container) and runs until SIGINT or SIGTERM. Exit codes: 0 after a clean
 * shutdown or {@code --help}, 1 when the listener cannot start, 2 for a bad command line.
 */
public final class Main {
    static final int EXIT_OK = 0;
    static final int EXIT_FAILED = 1;
    static final int EXIT_USAGE = 2;

    private Main() {
    }

    public static void main(String[] args) throws InterruptedException {
        int code = run(args, System.out, System.err);
        if (code != EXIT_OK) {
            System.exit(code);
        }
    }

    /**
     * Parses the arguments, starts the example and blocks until the JVM is asked to stop.
     * Returns the exit code instead of calling {@code System.exit}, so that tests can call it.
     */
    static int run(String[] args, PrintStream out, PrintStream err) throws InterruptedException {
        if (args.length > 0 && args[0].equals("client")) {
            return ClientCommand.run(java.util.Arrays.copyOfRange(args, 1, args.length), System.in, out, err);
        }
        if (args.length > 0 && args[0].equals("echo-chamber")) {
            return dev.shuttle.examples.chamber.EchoChamberCommand.run(java.util.Arrays.copyOfRange(args, 1, args.length), out, err);
        }
        if (args.length > 0 && args[0].equals("broadcaster")) {
            return dev.shuttle.examples.broadcaster.BroadcasterCommand.run(java.util.Arrays.copyOfRange(args, 1, args.length), out, err);
        }
        if (args.length > 0 && args[0].equals("hub")) {
            return dev.shuttle.examples.hub.HubCommand.run(java.util.Arrays.copyOfRange(args, 1, args.length), System.getenv(), out, err);
        }
        Command command;
        try {
            command = Command.parse(args);
        } catch (Command.UsageException e) {
            err.println("error: " + e.getMessage());
            err.println(Command.USAGE);
            return EXIT_USAGE;
        }
        if (command.help()) {
            out.println(Command.USAGE);
            return EXIT_OK;
        }
        InetSocketAddress address = new InetSocketAddress(command.host(), command.port());
        if (address.isUnresolved()) {
            err.println("error: cannot resolve host " + command.host());
            return EXIT_USAGE;
        }

        Example example = command.newExample();
        CountDownLatch stopped = new CountDownLatch(1);
        // Registered before start so that a signal arriving during start-up still closes what
        // was opened; Example.close() is idempotent and copes with "never started".
        Runtime.getRuntime().addShutdownHook(Thread.ofPlatform().name("shuttle-shutdown").unstarted(() -> {
            example.close();
            stopped.countDown();
        }));

        Transports.Running running;
        try {
            running = example.start(Transports.ALL.get(command.transport()), address);
        } catch (Exception e) {
            err.println("error: cannot listen on " + command.host() + ":" + command.port() + ": " + e);
            return EXIT_FAILED;
        }
        out.println("listening on ws://" + command.host() + ":" + running.port() + "/");
        out.flush();
        // The listener's threads may all be daemons (virtual threads are); keep main alive
        // until the shutdown hook has closed every client with 1001.
        stopped.await();
        return EXIT_OK;
    }
}
