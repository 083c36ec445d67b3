package dev.shuttle.websocket.internal.deflate;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.io.PrintStream;
import java.net.InetSocketAddress;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Queue;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.Semaphore;
import java.util.zip.Deflater;

import dev.shuttle.websocket.Compression;
import dev.shuttle.websocket.Options;
import dev.shuttle.websocket.WebSocketServer;
import dev.shuttle.websocket.standalone.ListenerOptions;
import dev.shuttle.websocket.testing.RawClient;
import dev.shuttle.websocket.testing.WireFrame;

/**
 * Measures the server-side memory of idle compressed connections (a program, not a test):
 * for each mode (no compression, context takeover, no context takeover) it starts a Shuttle echo
 * server in a child JVM with a fixed, pre-touched heap (so growth of the resident set is native
 * memory: zlib, buffers, stacks), opens N loopback connections from this JVM, has each exchange
 * one compressed 4 KiB message (so the zlib state a connection keeps is really created), lets them
 * sit idle (past the reader's retirement) and reads the server's live heap (after GC) and resident set (VmRSS) before and after.
 * <pre>
 * ./mvnw -B -o -q -pl api test-compile dependency:build-classpath -Dmdep.outputFile=target/cp.txt
 * ulimit -n 20000; java -cp api/target/classes:api/target/test-classes:$(cat api/target/cp.txt) \
 *     dev.shuttle.websocket.internal.deflate.IdleMemory 10000
 * </pre>
 */
public final class IdleMemory {
    private IdleMemory() {
    }

    public static void main(String[] args) throws Exception {
        if (args.length == 2 && args[0].equals("server")) {
            server(args[1]);
            return;
        }
        int n = args.length > 0 ? Integer.parseInt(args[0]) : 10_000;
        System.out.printf("%-12s %8s %14s %14s %14s%n", "mode", "conns", "heap/conn", "native/conn", "total/conn");
        for (String mode : List.of("off", "takeover", "nocontext")) {
            measure(mode, n);
        }
    }

    private static void measure(String mode, int n) throws Exception {
        String java = ProcessHandle.current().info().command().orElse("java");
        Process server = new ProcessBuilder(java, "-Xms1g", "-Xmx1g", "-XX:+AlwaysPreTouch", "-XX:+UseSerialGC",
                "-cp", System.getProperty("java.class.path"), IdleMemory.class.getName(), "server", mode)
                .redirectError(ProcessBuilder.Redirect.INHERIT).start();
        BufferedReader in = new BufferedReader(new InputStreamReader(server.getInputStream(), StandardCharsets.US_ASCII));
        PrintStream out = new PrintStream(server.getOutputStream(), true, StandardCharsets.US_ASCII);
        int port = Integer.parseInt(in.readLine().substring("PORT ".length()));
        URI uri = URI.create("ws://127.0.0.1:" + port + "/");
        long[] before = sample(in, out);

        String offer = mode.equals("nocontext")
                ? "permessage-deflate; server_no_context_takeover; client_no_context_takeover" : "permessage-deflate";
        byte[] message = DeflateCodecTest.sample(4096, 1);
        Deflater d = new Deflater(6, true);
        byte[] compressed = DeflateCodec.compress(d, message, 0, message.length); // a fresh window: valid as any first message
        d.end();
        Queue<RawClient> clients = new ConcurrentLinkedQueue<>();
        Semaphore parallel = new Semaphore(64);
        List<Thread> threads = new ArrayList<>();
        for (int i = 0; i < n; i++) {
            parallel.acquire();
            threads.add(Thread.ofVirtual().start(() -> {
                try {
                    RawClient c = RawClient.to(uri).header("Sec-WebSocket-Extensions", offer).connect();
                    clients.add(c);
                    boolean deflate = c.head().header("Sec-WebSocket-Extensions") != null;
                    c.send(WireFrame.encode(true, deflate ? 4 : 0, WireFrame.BINARY, deflate ? compressed : message, true));
                    c.readFrame();
                } catch (IOException e) {
                    throw new RuntimeException(e);
                } finally {
                    parallel.release();
                }
            }));
        }
        for (Thread t : threads) {
            t.join();
        }
        // Idle means past the reader's retirement (shuttle.reader.retireMillis, 1 s): until then
        // each connection still has a parked reader thread and its stack.
        Thread.sleep(3_000);
        long[] after = sample(in, out);
        long heap = (after[0] - before[0]) / n;
        long rss = (after[1] - before[1]) / n;
        System.out.printf("%-12s %8d %11.1f KiB %11.1f KiB %11.1f KiB%n", mode, clients.size(), heap / 1024.0, rss / 1024.0,
                (heap + rss) / 1024.0);
        for (RawClient c : clients) {
            c.abort();
        }
        out.println("quit");
        server.waitFor();
    }

    private static long[] sample(BufferedReader in, PrintStream out) throws IOException {
        out.println("measure");
        String[] parts = in.readLine().split(" ");
        return new long[] {Long.parseLong(parts[1]), Long.parseLong(parts[2])};
    }

    /** The child: an echo server; "measure" answers "MEM heapUsed rss" after a full GC, "quit" exits. */
    private static void server(String mode) throws Exception {
        Compression compression = switch (mode) {
            case "off" -> Compression.disabled();
            case "nocontext" -> Compression.builder().lowMemory(true).build();
            default -> Compression.defaults();
        };
        WebSocketServer ws = WebSocketServer.builder()
                .options(Options.defaults().toBuilder().compression(compression).build())
                .onData((c, binary, data) -> c.write(data))
                .build();
        var listener = ws.listen(ListenerOptions.builder().address(new InetSocketAddress("127.0.0.1", 0)).build());
        System.out.println("PORT " + listener.port());
        BufferedReader commands = new BufferedReader(new InputStreamReader(System.in, StandardCharsets.US_ASCII));
        for (String line; (line = commands.readLine()) != null && !line.equals("quit"); ) {
            for (int i = 0; i < 3; i++) {
                System.gc();
            }
            Runtime r = Runtime.getRuntime();
            System.out.println("MEM " + (r.totalMemory() - r.freeMemory()) + " " + rss());
        }
        System.exit(0);
    }

    private static long rss() throws IOException {
        for (String l : Files.readAllLines(Path.of("/proc/self/status"))) {
            if (l.startsWith("VmRSS:")) {
                return Long.parseLong(l.replaceAll("[^0-9]", "")) * 1024;
            }
        }
        return -1;
    }
}
