package dev.shuttle.websocket.jetty;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.ByteArrayOutputStream;
import java.io.DataInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.lang.management.ManagementFactory;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.Callable;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.Semaphore;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.locks.LockSupport;
import java.util.function.BooleanSupplier;
import java.util.stream.Stream;

import dev.shuttle.websocket.WebSocketServer;
import dev.shuttle.websocket.testing.ServerFixture;

/**
 * Opens N WebSocket connections at once over raw blocking sockets (one virtual thread each),
 * echoes one message on each while all are open, closes each with a close handshake, and checks
 * that the server process returns to its file-descriptor and platform-thread counts. Shared by
 * the adapters' tests (adapter-jetty's test-jar).
 */
public final class ManyConnections {
    /** Descriptors the JVM may open or close on its own meanwhile (class loading, JIT logs...). */
    private static final int FD_TOLERANCE = 16;
    /** Pool threads that may legitimately linger (carriers, a timer). */
    private static final int THREAD_TOLERANCE = 6;
    private static final Duration SETTLE = Duration.ofSeconds(30);

    private ManyConnections() {
    }

    /** Runs the whole scenario on a fresh server mounted by the fixture; stops it at the end. */
    public static void run(ServerFixture fixture, int connections) throws Exception {
        WebSocketServer server = WebSocketServer.builder().onData((c, binary, data) -> {
            if (binary) {
                c.write(data);
            } else {
                c.write(new String(data, StandardCharsets.UTF_8));
            }
        }).build();
        URI uri = fixture.start(server);
        InetSocketAddress address = new InetSocketAddress(uri.getHost(), uri.getPort());
        try (ExecutorService threads = Executors.newVirtualThreadPerTaskExecutor()) {
            // Warm up: the server's pools start their threads and the JDK its carriers before the baseline.
            runAll(threads, openAll(threads, address, 20));
            awaitTrue(() -> server.connections().isEmpty(), "warm-up connections to close");
            long fdsBefore = openFds();
            int threadsBefore = platformThreads();

            List<Client> clients = openAll(threads, address, connections);
            assertEquals(connections, clients.size());
            runAll(threads, clients);
            // The engine forgets a connection just after closing its TCP, so the client may see EOF first.
            awaitTrue(() -> server.connections().isEmpty(), () -> "every connection gone on the server, still open: " + server.connections().size());

            awaitTrue(() -> openFds() <= fdsBefore + FD_TOLERANCE,
                    () -> "file descriptors back to " + fdsBefore + " (+" + FD_TOLERANCE + "), now " + openFds());
            awaitTrue(() -> platformThreads() <= threadsBefore + THREAD_TOLERANCE,
                    () -> "platform threads back to " + threadsBefore + " (+" + THREAD_TOLERANCE + "), now " + platformThreads());
        } finally {
            fixture.stop();
        }
    }

    /** Opens n connections, at most 64 handshakes at a time; all stay open. */
    private static List<Client> openAll(ExecutorService threads, InetSocketAddress address, int n) throws Exception {
        Semaphore handshakes = new Semaphore(64);
        List<Future<Client>> opening = new ArrayList<>();
        for (int i = 0; i < n; i++) {
            opening.add(threads.submit(() -> {
                handshakes.acquire();
                try {
                    return Client.open(address);
                } finally {
                    handshakes.release();
                }
            }));
        }
        List<Client> clients = new ArrayList<>();
        for (Future<Client> f : opening) {
            clients.add(f.get());
        }
        return clients;
    }

    /** Echo on every connection while all are open, then a close handshake on each, concurrently. */
    private static void runAll(ExecutorService threads, List<Client> clients) throws Exception {
        List<Future<Void>> running = new ArrayList<>();
        for (int i = 0; i < clients.size(); i++) {
            Client c = clients.get(i);
            String text = "echo " + i;
            running.add(threads.submit((Callable<Void>) () -> {
                c.echo(text);
                return null;
            }));
        }
        for (Future<Void> f : running) {
            f.get();
        }
        running.clear();
        for (Client c : clients) {
            running.add(threads.submit((Callable<Void>) () -> {
                c.closeHandshake();
                return null;
            }));
        }
        for (Future<Void> f : running) {
            f.get();
        }
    }

    static long openFds() {
        try (Stream<Path> fds = Files.list(Path.of("/proc/self/fd"))) {
            return fds.count();
        } catch (IOException e) {
            throw new IllegalStateException("cannot count /proc/self/fd (Linux only)", e);
        }
    }

    static int platformThreads() {
        return ManagementFactory.getThreadMXBean().getThreadCount();
    }

    static void awaitTrue(BooleanSupplier condition, String what) {
        awaitTrue(condition, () -> what);
    }

    /** Polls (bounded) for resources that are released asynchronously: closed sockets, idle pool threads. */
    static void awaitTrue(BooleanSupplier condition, java.util.function.Supplier<String> what) {
        long deadline = System.nanoTime() + SETTLE.toNanos();
        while (!condition.getAsBoolean()) {
            if (System.nanoTime() - deadline > 0) {
                throw new AssertionError("timed out waiting for " + what.get());
            }
            LockSupport.parkNanos(Duration.ofMillis(50).toNanos());
        }
    }

    /** One raw client connection: blocking socket, masked frames, RFC 6455 by hand. */
    private static final class Client {
        private final Socket socket;
        private final DataInputStream in;
        private final OutputStream out;

        private Client(Socket socket) throws IOException {
            this.socket = socket;
            this.in = new DataInputStream(socket.getInputStream());
            this.out = socket.getOutputStream();
        }

        static Client open(InetSocketAddress address) throws IOException {
            Socket s = new Socket();
            try {
                s.connect(address, 10_000);
                s.setSoTimeout(30_000);
                Client c = new Client(s);
                c.handshake(address);
                return c;
            } catch (IOException | RuntimeException e) {
                s.close();
                throw e;
            }
        }

        private void handshake(InetSocketAddress address) throws IOException {
            String request = "GET / HTTP/1.1\r\nHost: " + address.getHostString() + ":" + address.getPort()
                    + "\r\nUpgrade: websocket\r\nConnection: Upgrade\r\nSec-WebSocket-Key: dGhlIHNhbXBsZSBub25jZQ==\r\n"
                    + "Sec-WebSocket-Version: 13\r\n\r\n";
            out.write(request.getBytes(StandardCharsets.US_ASCII));
            out.flush();
            String head = readHead(in);
            assertTrue(head.startsWith("HTTP/1.1 101"), head);
        }

        void echo(String text) throws IOException {
            byte[] payload = text.getBytes(StandardCharsets.UTF_8);
            sendFrame(0x1, payload);
            int b0 = in.readUnsignedByte();
            int len = in.readUnsignedByte();
            assertEquals(0x81, b0, "a final text frame");
            byte[] echoed = new byte[len];
            in.readFully(echoed);
            assertArrayEquals(payload, echoed);
        }

        void closeHandshake() throws IOException {
            try (socket) {
                sendFrame(0x8, new byte[] {0x03, (byte) 0xE8}); // 1000
                assertEquals(0x88, in.readUnsignedByte(), "the server's close frame");
                byte[] body = new byte[in.readUnsignedByte()];
                in.readFully(body);
                // RFC 6455 §7.1.1: the server closes TCP first after the close handshake.
                assertEquals(-1, in.read(), "end of stream after the close handshake");
            }
        }

        private void sendFrame(int opcode, byte[] payload) throws IOException {
            byte[] mask = new byte[4];
            ThreadLocalRandom.current().nextBytes(mask);
            ByteArrayOutputStream frame = new ByteArrayOutputStream(payload.length + 6);
            frame.write(0x80 | opcode);
            frame.write(0x80 | payload.length); // short payloads only
            frame.write(mask, 0, 4);
            for (int i = 0; i < payload.length; i++) {
                frame.write(payload[i] ^ mask[i & 3]);
            }
            out.write(frame.toByteArray());
            out.flush();
        }

        private static String readHead(InputStream in) throws IOException {
            StringBuilder head = new StringBuilder();
            int matched = 0;
            while (matched < 4) {
                int b = in.read();
                if (b < 0) {
                    throw new IOException("end of stream in the response head: " + head);
                }
                head.append((char) b);
                matched = (b == '\r' || b == '\n') && "\r\n\r\n".charAt(matched) == b ? matched + 1 : (b == '\r' ? 1 : 0);
            }
            return head.toString();
        }
    }
}
