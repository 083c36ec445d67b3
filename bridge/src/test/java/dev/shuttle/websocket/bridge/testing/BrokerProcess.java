package dev.shuttle.websocket.bridge.testing;

import static org.junit.jupiter.api.Assertions.fail;

import java.io.IOException;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.function.IntFunction;
import java.util.stream.Stream;

/**
 * A real broker (nats-server, redis-server) started by a test on 127.0.0.1, a free port and a
 * temporary directory, stopped and restarted on the same port, killed at the end. A missing binary
 * fails the test with the command that installs it: never a silent skip.
 */
public final class BrokerProcess implements AutoCloseable {
    private final String binary;
    private final String debianPackage;
    private final IntFunction<List<String>> arguments;
    private final Path dir;
    /** What the broker stores across restarts (JetStream's store directory), or null. */
    private final Path store;
    private final int port;
    private final int monitorPort;
    private Process process;
    private int starts;

    private BrokerProcess(String binary, String debianPackage, Path dir, Path store, int monitorPort,
                          IntFunction<List<String>> arguments) throws IOException {
        this.binary = binary;
        this.debianPackage = debianPackage;
        this.dir = dir;
        this.store = store;
        this.monitorPort = monitorPort;
        this.arguments = arguments;
        this.port = freePort();
    }

    /**
     * nats-server with its HTTP monitoring port (subscriptions are checked there).
     *
     * @param jetStream whether to enable JetStream (stored in the temporary directory)
     * @return the started server
     * @throws Exception when it does not start
     */
    public static BrokerProcess nats(boolean jetStream) throws Exception {
        String bin = find("nats-server", "nats-server");
        Path dir = Files.createTempDirectory("shuttle-nats");
        int monitor = freePort();
        Path store = jetStream ? dir.resolve("js") : null;
        BrokerProcess b = new BrokerProcess(bin, "nats-server", dir, store, monitor, port -> {
            List<String> a = new ArrayList<>(List.of("-a", "127.0.0.1", "-p", String.valueOf(port),
                    "-m", String.valueOf(monitor)));
            if (jetStream) {
                a.addAll(List.of("-js", "-sd", store.toString()));
            }
            return a;
        });
        b.start();
        return b;
    }

    /**
     * redis-server without persistence (a restart loses everything, as a crash would).
     *
     * @return the started server
     * @throws Exception when it does not start
     */
    public static BrokerProcess redis() throws Exception {
        String bin = find("redis-server", "redis-server");
        Path dir = Files.createTempDirectory("shuttle-redis");
        BrokerProcess b = new BrokerProcess(bin, "redis-server", dir, null, -1, port -> List.of(
                "--bind", "127.0.0.1", "--port", String.valueOf(port), "--save", "", "--appendonly", "no",
                "--dir", dir.toString(), "--protected-mode", "no"));
        b.start();
        return b;
    }

    private static String find(String name, String debianPackage) {
        for (String d : List.of("/usr/sbin", "/usr/bin", "/usr/local/bin", "/usr/local/sbin")) {
            Path p = Path.of(d, name);
            if (Files.isExecutable(p)) {
                return p.toString();
            }
        }
        String path = System.getenv("PATH");
        if (path != null) {
            for (String d : path.split(":")) {
                Path p = Path.of(d, name);
                if (Files.isExecutable(p)) {
                    return p.toString();
                }
            }
        }
        fail(name + " is not installed; install with: apt-get install " + debianPackage);
        return null;
    }

    /**
     * Starts (again) on the same port and waits until it accepts connections.
     *
     * @throws Exception when it does not come up within 15 s
     */
    public void start() throws Exception {
        if (process != null && process.isAlive()) {
            throw new IllegalStateException("already running");
        }
        List<String> cmd = new ArrayList<>();
        cmd.add(binary);
        cmd.addAll(arguments.apply(port));
        Path log = dir.resolve("broker-" + (++starts) + ".log");
        process = new ProcessBuilder(cmd).redirectErrorStream(true).redirectOutput(log.toFile()).start();
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(15);
        while (System.nanoTime() < deadline) {
            if (!process.isAlive()) {
                fail(debianPackage + " exited with " + process.exitValue() + ": " + Files.readString(log));
            }
            if (accepts(port) && (monitorPort < 0 || accepts(monitorPort))) {
                return;
            }
            Thread.sleep(20);
        }
        fail(debianPackage + " did not accept connections on " + port + " within 15 s: " + Files.readString(log));
    }

    /**
     * Kills the broker (SIGKILL: no goodbye to the clients) and waits until it is gone.
     *
     * @throws InterruptedException when interrupted
     */
    public void kill() throws InterruptedException {
        if (process != null) {
            process.destroyForcibly();
            process.waitFor(10, TimeUnit.SECONDS);
        }
    }

    /**
     * Kills the broker, deletes what it stored (JetStream's store directory; redis-server here
     * stores nothing) and starts it again on the same port: a broker that lost its data.
     *
     * @throws Exception when it does not come up again
     */
    public void restartEmpty() throws Exception {
        kill();
        if (store != null && Files.exists(store)) {
            deleteTree(store);
        }
        start();
    }

    private static void deleteTree(Path root) throws IOException {
        try (Stream<Path> files = Files.walk(root)) {
            files.sorted(Comparator.reverseOrder()).forEach(p -> p.toFile().delete());
        }
    }

    private static boolean accepts(int port) {
        try (Socket s = new Socket()) {
            s.connect(new InetSocketAddress("127.0.0.1", port), 200);
            return true;
        } catch (IOException e) {
            return false;
        }
    }

    private static int freePort() throws IOException {
        try (ServerSocket s = new ServerSocket(0, 1, java.net.InetAddress.getLoopbackAddress())) {
            return s.getLocalPort();
        }
    }

    /** {@return the client port} */
    public int port() {
        return port;
    }

    /** {@return the HTTP monitoring port (nats-server), or -1} */
    public int monitorPort() {
        return monitorPort;
    }

    /**
     * The URL for a client.
     *
     * @param scheme {@code nats} or {@code redis}
     * @return {@code scheme://127.0.0.1:port}
     */
    public String url(String scheme) {
        return scheme + "://127.0.0.1:" + port;
    }

    @Override
    public void close() throws Exception {
        kill();
        deleteTree(dir);
    }
}
