package dev.shuttle.bench.scaleout;

import java.io.IOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;

/**
 * A broker process this run owns: nats-server or redis-server on 127.0.0.1, a free port and a
 * temporary directory, killed and its directory removed on {@link #close}. The same launch as the
 * bridge modules' test harness, without JUnit. Its CPU time is read from the process handle, so a
 * row can say how much of the machine the broker took.
 */
final class Broker implements AutoCloseable {
    private static final Duration START_TIMEOUT = Duration.ofSeconds(15);

    private final String name;
    private final Path dir;
    private final int port;
    private final Process process;

    private Broker(String name, Path dir, int port, List<String> command) throws IOException, InterruptedException {
        this.name = name;
        this.dir = dir;
        this.port = port;
        Path log = dir.resolve(name + ".log");
        this.process = new ProcessBuilder(command).redirectErrorStream(true).redirectOutput(log.toFile()).start();
        long deadline = System.nanoTime() + START_TIMEOUT.toNanos();
        while (!accepts(port)) {
            if (!process.isAlive() || System.nanoTime() > deadline) {
                close();
                throw new IOException(name + " did not start on port " + port + ": " + Files.readString(log));
            }
            Thread.sleep(20);
        }
    }

    /** nats-server, core pub/sub only (no JetStream). */
    static Broker nats() throws IOException, InterruptedException {
        Path dir = Files.createTempDirectory("shuttle-scaleout-nats");
        int port = freePort();
        return new Broker("nats-server", dir, port,
                List.of(binary("nats-server"), "-a", "127.0.0.1", "-p", String.valueOf(port)));
    }

    /** redis-server without persistence. */
    static Broker redis() throws IOException, InterruptedException {
        Path dir = Files.createTempDirectory("shuttle-scaleout-redis");
        int port = freePort();
        return new Broker("redis-server", dir, port, List.of(binary("redis-server"), "--bind", "127.0.0.1",
                "--port", String.valueOf(port), "--save", "", "--appendonly", "no", "--dir", dir.toString(),
                "--protected-mode", "no"));
    }

    /** {@code scheme://127.0.0.1:port} */
    String url(String scheme) {
        return scheme + "://127.0.0.1:" + port;
    }

    /** CPU time the broker has used so far, in nanoseconds (0 when the OS does not say). */
    long cpuNanos() {
        return process.info().totalCpuDuration().map(Duration::toNanos).orElse(0L);
    }

    String name() {
        return name;
    }

    private static String binary(String name) throws IOException {
        List<String> dirs = new ArrayList<>(List.of("/usr/sbin", "/usr/bin", "/usr/local/bin", "/usr/local/sbin"));
        String path = System.getenv("PATH");
        if (path != null) {
            dirs.addAll(List.of(path.split(":")));
        }
        for (String d : dirs) {
            Path p = Path.of(d, name);
            if (Files.isExecutable(p)) {
                return p.toString();
            }
        }
        throw new IOException(name + " is not installed (apt-get install " + name + ")");
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
        try (ServerSocket s = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
            return s.getLocalPort();
        }
    }

    @Override
    public void close() throws IOException, InterruptedException {
        process.destroyForcibly();
        process.waitFor(10, TimeUnit.SECONDS);
        try (Stream<Path> files = Files.walk(dir)) {
            files.sorted(Comparator.reverseOrder()).forEach(p -> p.toFile().delete());
        }
    }
}
