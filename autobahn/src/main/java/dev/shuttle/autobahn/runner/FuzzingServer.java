package dev.shuttle.autobahn.runner;

import java.io.BufferedInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.net.URLDecoder;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;

/**
 * Tests a WebSocket client the way wstest's fuzzingserver does. The client under test connects
 * to {@code /getCaseCount} (one text message: the count), then {@code /runCase?case=N&agent=A}
 * for N = 1..count (echoing every message), then {@code /updateReports?agent=A}. Each runCase
 * connection runs one case with this end as the server (unmasked frames; it drops TCP after
 * the closing handshake).
 */
public final class FuzzingServer implements AutoCloseable {
    private static final long SAFETY_CAP_SECONDS = 200;

    private final ServerSocket server;
    private final List<CaseDef> cases;
    private final Path outdir;
    private final Map<String, List<CaseResult>> results = new ConcurrentHashMap<>();
    /** Cases still being graded; reports wait for them (the client may ask for them right after its close). */
    private final java.util.Set<java.util.concurrent.CompletableFuture<Void>> grading = ConcurrentHashMap.newKeySet();

    private FuzzingServer(ServerSocket server, List<CaseDef> cases, Path outdir) {
        this.server = server;
        this.cases = List.copyOf(cases);
        this.outdir = outdir;
    }

    /** Listens on host:port (0: any free port) and serves the cases until closed. */
    public static FuzzingServer start(String host, int port, List<CaseDef> cases, Path outdir) throws IOException {
        ServerSocket ss = new ServerSocket();
        ss.bind(new InetSocketAddress(host, port));
        FuzzingServer fs = new FuzzingServer(ss, cases, outdir);
        Thread.ofVirtual().name("fuzzingserver-accept").start(fs::accept);
        return fs;
    }

    public int port() {
        return server.getLocalPort();
    }

    /** The results so far, by agent, in case order, once the cases in progress are graded. */
    public Map<String, List<CaseResult>> results() {
        awaitGraded();
        Map<String, List<CaseResult>> copy = new LinkedHashMap<>();
        results.forEach((agent, list) -> {
            synchronized (list) {
                copy.put(agent, List.copyOf(list));
            }
        });
        return copy;
    }

    private void awaitGraded() {
        for (java.util.concurrent.CompletableFuture<Void> f : List.copyOf(grading)) {
            try {
                f.get(SAFETY_CAP_SECONDS, TimeUnit.SECONDS);
            } catch (Exception e) {
                // that case records its own failure
            }
        }
    }

    public void writeReports() throws IOException {
        Report.write(outdir, results());
    }

    @Override
    public void close() throws IOException {
        server.close();
    }

    private void accept() {
        while (!server.isClosed()) {
            try {
                Socket s = server.accept();
                Thread.ofVirtual().name("fuzzingserver-conn").start(() -> serve(s));
            } catch (IOException e) {
                return;
            }
        }
    }

    private void serve(Socket socket) {
        try {
            socket.setTcpNoDelay(true);
            socket.setSoTimeout(10_000);
            InputStream in = new BufferedInputStream(socket.getInputStream(), 64 << 10);
            OutputStream out = socket.getOutputStream();
            String head = ClientHandshake.readHead(in);
            String[] lines = head.split("\r\n");
            String[] requestLine = lines[0].split(" ");
            String key = ClientHandshake.header(lines, "sec-websocket-key");
            if (requestLine.length < 3 || !requestLine[0].equals("GET") || key == null) {
                out.write("HTTP/1.1 400 Bad Request\r\nContent-Length: 0\r\nConnection: close\r\n\r\n".getBytes(StandardCharsets.ISO_8859_1));
                socket.close();
                return;
            }
            String target = requestLine[1];
            String path = target.contains("?") ? target.substring(0, target.indexOf('?')) : target;
            Map<String, String> query = query(target);
            Pmd.Params deflate = negotiate(path, query, ClientHandshake.header(lines, "sec-websocket-extensions"));
            String response = "HTTP/1.1 101 Switching Protocols\r\nUpgrade: websocket\r\nConnection: Upgrade\r\n"
                    + "Sec-WebSocket-Accept: " + ClientHandshake.acceptKey(key) + "\r\n"
                    + (deflate == null ? "" : "Sec-WebSocket-Extensions: " + deflate.header() + "\r\n") + "\r\n";
            out.write(response.getBytes(StandardCharsets.ISO_8859_1));
            out.flush();
            socket.setSoTimeout(0);
            switch (path) {
                case "/getCaseCount" -> sayAndClose(socket, in, String.valueOf(cases.size()));
                case "/updateReports" -> {
                    writeReports();
                    sayAndClose(socket, in, null);
                }
                case "/runCase" -> runCase(socket, in, query, new ClientHandshake.Exchange(head, response), deflate);
                default -> sayAndClose(socket, in, null);
            }
        } catch (IOException | RuntimeException e) {
            try {
                socket.close();
            } catch (IOException ignored) {
                // gone anyway
            }
        }
    }

    /** The case's accept rule applied to the client's offers (sections 12, 13), or null: no extension. */
    private Pmd.Params negotiate(String path, Map<String, String> query, String extensions) {
        CaseDef def = path.equals("/runCase") ? caseOf(query) : null;
        Pmd.Spec spec = def == null ? null : Catalog.sectionOf(def).deflate(def);
        return spec == null ? null : Pmd.accept(spec.acceptRule(), Pmd.offers(extensions));
    }

    private CaseDef caseOf(Map<String, String> query) {
        try {
            int n = Integer.parseInt(query.getOrDefault("case", "0"));
            return n < 1 || n > cases.size() ? null : cases.get(n - 1);
        } catch (NumberFormatException e) {
            return null;
        }
    }

    private void runCase(Socket socket, InputStream in, Map<String, String> query, ClientHandshake.Exchange exchange,
                         Pmd.Params deflate) throws IOException {
        int n = Integer.parseInt(query.getOrDefault("case", "0"));
        String agent = query.getOrDefault("agent", "client");
        if (n < 1 || n > cases.size()) {
            sayAndClose(socket, in, null);
            return;
        }
        CaseDef def = cases.get(n - 1);
        java.util.concurrent.CompletableFuture<Void> graded = new java.util.concurrent.CompletableFuture<>();
        grading.add(graded);
        try {
            record(def, agent, socket, in, exchange, deflate);
        } finally {
            graded.complete(null);
            grading.remove(graded);
        }
    }

    private void record(CaseDef def, String agent, Socket socket, InputStream in, ClientHandshake.Exchange exchange,
                        Pmd.Params deflate) throws IOException {
        CaseScript script = new CaseScript(def.behaviour().get());
        Fuzzer fuzzer = new Fuzzer(Fuzzer.Role.SERVER, socket, in, script);
        fuzzer.deflate = deflate == null ? null : new Pmd.Codec(deflate, true);
        Map<String, Object> extra = new LinkedHashMap<>();
        extra.put("httpRequest", exchange.request());
        extra.put("httpResponse", exchange.response());
        CaseResult result;
        try {
            var done = fuzzer.start();
            try {
                done.get(SAFETY_CAP_SECONDS, TimeUnit.SECONDS);
            } catch (java.util.concurrent.TimeoutException e) {
                fuzzer.abandon();
                done.get(5, TimeUnit.SECONDS);
            }
            result = CaseResult.of(def, agent, script, fuzzer, extra);
        } catch (Exception e) {
            result = CaseResult.notOpened(def, agent, "runner error: " + e, extra);
        } finally {
            fuzzer.shutdown();
        }
        List<CaseResult> list = results.computeIfAbsent(agent, a -> new ArrayList<>());
        synchronized (list) {
            list.removeIf(r -> r.def().equals(def));
            list.add(result);
        }
    }

    /** Sends an optional text message and a 1000 close, waits up to 2 s for the client's close, drops TCP. */
    private static void sayAndClose(Socket socket, InputStream in, String text) throws IOException {
        OutputStream out = socket.getOutputStream();
        if (text != null) {
            out.write(Wire.encode(Wire.TEXT, true, 0, Wire.utf8(text), null));
        }
        out.write(Wire.encode(Wire.CLOSE, true, 0, new byte[] {0x03, (byte) 0xe8}, null));
        out.flush();
        socket.setSoTimeout(2000);
        try {
            Wire.Frame f;
            do {
                f = Wire.read(in, 1 << 20);
            } while (f != null && f.opcode() != Wire.CLOSE);
        } catch (IOException ignored) {
            // the client vanished or took too long: drop anyway
        }
        socket.close();
    }

    private static Map<String, String> query(String target) {
        Map<String, String> q = new HashMap<>();
        int i = target.indexOf('?');
        if (i < 0) {
            return q;
        }
        for (String pair : target.substring(i + 1).split("&")) {
            int eq = pair.indexOf('=');
            if (eq > 0) {
                q.put(URLDecoder.decode(pair.substring(0, eq), StandardCharsets.UTF_8),
                        URLDecoder.decode(pair.substring(eq + 1), StandardCharsets.UTF_8));
            }
        }
        return q;
    }
}
