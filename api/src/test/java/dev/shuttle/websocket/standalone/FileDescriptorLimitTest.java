package dev.shuttle.websocket.standalone;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.fail;

import java.io.BufferedReader;
import java.io.File;
import java.io.IOException;
import java.io.InputStream;
import java.io.InputStreamReader;
import java.io.OutputStream;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import java.util.jar.JarEntry;
import java.util.jar.JarOutputStream;
import java.util.stream.Stream;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.condition.EnabledOnOs;
import org.junit.jupiter.api.condition.OS;

import dev.shuttle.websocket.testing.JdkClient;
import dev.shuttle.websocket.testing.RawClient;

/**
 * Issue 9 item 7: the built-in listener runs out of file descriptors, and serves again once they
 * are freed. The server runs in a child JVM limited to {@value #FD_LIMIT} descriptors; this test
 * opens WebSocket connections to it until its accept fails (and the logger, asked to report it,
 * throws an Error as the JDK's did), closes them, and then a fresh client must get an echo.
 */
@EnabledOnOs(OS.LINUX)
@Timeout(120)
class FileDescriptorLimitTest {
    private static final int FD_LIMIT = 128;
    /** Event waits: generous, only the failure bound. */
    private static final long WAIT_SECONDS = 30;

    @Test
    void theListenerServesAgainAfterRunningOutOfDescriptors() throws Exception {
        Process child = startChild();
        BlockingQueue<String> lines = new LinkedBlockingQueue<>();
        Thread out = Thread.ofPlatform().daemon().start(() -> pumpLines(child.getInputStream(), lines));
        Thread err = Thread.ofPlatform().daemon().start(() -> pumpLines(child.getErrorStream(), lines));
        List<Socket> held = new ArrayList<>();
        try {
            String port = next(lines, "the child's port", "PORT ").substring("PORT ".length());
            InetSocketAddress address = new InetSocketAddress("127.0.0.1", Integer.parseInt(port));
            URI uri = URI.create("ws://127.0.0.1:" + port + "/");

            // One connection at a time, each upgraded (OPEN) before the next, until accept fails.
            int opened = 0;
            boolean acceptFailed = false;
            while (!acceptFailed) {
                assertTrue(held.size() <= FD_LIMIT, "accept never failed after " + held.size() + " connections");
                held.add(upgrade(address));
                String event = next(lines, "OPEN or a failed accept after connection " + held.size(), "OPEN", FdLimitLoggerFinder.ACCEPT_FAILED);
                if (event.equals("OPEN")) {
                    opened++;
                } else {
                    acceptFailed = true;
                }
            }
            assertTrue(opened > 0 && opened < FD_LIMIT, "connections served before the limit: " + opened);

            // Free the descriptors: every connection the server held ends (CLOSE), and the accept
            // loop, pausing between tries, takes the one waiting in the backlog too.
            for (Socket s : held) {
                s.close();
            }
            held.clear();
            int closed = 0;
            while (closed < opened) {
                next(lines, "CLOSE " + (closed + 1) + " of " + opened, "CLOSE");
                closed++;
            }

            try (JdkClient fresh = JdkClient.connect(uri)) {
                fresh.sendText("served again");
                assertEquals("served again", fresh.nextMessage().text());
            }
            try (RawClient raw = RawClient.to(uri).connect()) {
                raw.sendText("and again");
                assertEquals("and again", raw.readMessage().text());
            }
        } finally {
            for (Socket s : held) {
                s.close();
            }
            child.getOutputStream().close(); // the child's stdin ends: it stops by itself
            if (!child.waitFor(WAIT_SECONDS, TimeUnit.SECONDS)) {
                child.destroyForcibly();
            }
            out.join(TimeUnit.SECONDS.toMillis(WAIT_SECONDS));
            err.join(TimeUnit.SECONDS.toMillis(WAIT_SECONDS));
        }
        assertEquals(0, child.exitValue(), "the child's exit status; its output: " + lines);
    }

    private static Process startChild() throws IOException {
        String java = ProcessHandle.current().info().command().orElseThrow();
        String classPath = childJar().toString();
        ProcessBuilder pb = new ProcessBuilder("bash", "-c",
                "ulimit -n " + FD_LIMIT + " && exec \"$0\" -Xmx64m -XX:+UseSerialGC -cp \"$1\" " + FdLimitEchoServer.class.getName(),
                java, classPath);
        return pb.start();
    }

    /**
     * The class directories (main and test) in one jar, as the server runs in production (the
     * examples' jar): a class loaded from a directory needs a new descriptor for its file, so out
     * of descriptors the child would fail to load classes, not to accept; from an open jar it does not.
     */
    private static Path childJar() throws IOException {
        Path jar = Path.of("target", "fd-limit-child.jar");
        try (JarOutputStream out = new JarOutputStream(Files.newOutputStream(jar))) {
            for (String entry : System.getProperty("java.class.path").split(File.pathSeparator)) {
                Path dir = Path.of(entry);
                if (!Files.isDirectory(dir)) {
                    continue; // the child needs only our classes: the JDK has the rest
                }
                try (Stream<Path> files = Files.walk(dir)) {
                    for (Path f : (Iterable<Path>) files.filter(Files::isRegularFile)::iterator) {
                        String name = dir.relativize(f).toString().replace(File.separatorChar, '/');
                        if (name.endsWith(".class") && !name.equals("module-info.class")) {
                            out.putNextEntry(new JarEntry(name));
                            Files.copy(f, out);
                            out.closeEntry();
                        }
                    }
                }
            }
            // The child's logging: lines it can report, and a logger that throws where the JDK's did.
            out.putNextEntry(new JarEntry("META-INF/services/java.lang.System$LoggerFinder"));
            out.write((FdLimitLoggerFinder.class.getName() + "\n").getBytes(StandardCharsets.UTF_8));
            out.closeEntry();
        }
        return jar.toAbsolutePath();
    }

    private static void pumpLines(InputStream in, BlockingQueue<String> lines) {
        try (BufferedReader r = new BufferedReader(new InputStreamReader(in, StandardCharsets.UTF_8))) {
            for (String line; (line = r.readLine()) != null; ) {
                lines.add(line.trim());
            }
        } catch (IOException e) {
            lines.add("child output failed: " + e);
        }
    }

    /** The next line of the child that starts with one of the prefixes; other lines (stack traces, other logs) are skipped. */
    private static String next(BlockingQueue<String> lines, String what, String... prefixes) throws InterruptedException {
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(WAIT_SECONDS);
        List<String> skipped = new ArrayList<>();
        while (true) {
            String line = lines.poll(deadline - System.nanoTime(), TimeUnit.NANOSECONDS);
            if (line == null) {
                fail("no line from the child in " + WAIT_SECONDS + " s, waiting for " + what + "; skipped: " + skipped);
            }
            for (String p : prefixes) {
                if (line.startsWith(p)) {
                    return line;
                }
            }
            if (skipped.size() < 20) {
                skipped.add(line);
            }
        }
    }

    /** Connects and sends an upgrade request without waiting for the answer (an unaccepted one has none). */
    private static Socket upgrade(InetSocketAddress address) throws IOException {
        Socket s = new Socket();
        try {
            s.connect(address, (int) TimeUnit.SECONDS.toMillis(WAIT_SECONDS));
            OutputStream out = s.getOutputStream();
            out.write(("GET / HTTP/1.1\r\nHost: " + address.getHostString() + ":" + address.getPort() + "\r\n"
                    + "Upgrade: websocket\r\nConnection: Upgrade\r\nSec-WebSocket-Key: dGhlIHNhbXBsZSBub25jZQ==\r\n"
                    + "Sec-WebSocket-Version: 13\r\n\r\n").getBytes(StandardCharsets.ISO_8859_1));
            out.flush();
            return s;
        } catch (IOException e) {
            s.close();
            throw e;
        }
    }
}
