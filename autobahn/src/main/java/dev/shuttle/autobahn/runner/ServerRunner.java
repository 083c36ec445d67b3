package dev.shuttle.autobahn.runner;

import java.io.BufferedInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.net.URI;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.function.Consumer;

/**
 * Tests a WebSocket server the way wstest's fuzzingclient does: one fresh connection per case,
 * cases one after another, each graded when its TCP connection is gone.
 */
public final class ServerRunner {
    /** No case of the catalog legitimately takes this long; past it the case is failed. */
    private static final long SAFETY_CAP_SECONDS = 200;
    private static final int CONNECT_TIMEOUT_MS = 5000;

    private ServerRunner() {
    }

    /** Runs the cases against {@code url} as {@code agent}; {@code progress} sees each result. */
    public static List<CaseResult> run(URI url, String agent, List<CaseDef> cases, Consumer<CaseResult> progress) {
        List<CaseResult> results = new ArrayList<>();
        for (CaseDef c : cases) {
            CaseResult r = runOne(url, agent, c);
            results.add(r);
            progress.accept(r);
        }
        return results;
    }

    static CaseResult runOne(URI url, String agent, CaseDef def) {
        String host = url.getHost();
        int port = url.getPort() < 0 ? 80 : url.getPort();
        String path = url.getRawPath() == null || url.getRawPath().isEmpty() ? "/" : url.getRawPath();
        Pmd.Spec spec = Catalog.sectionOf(def).deflate(def);
        Pmd.Params deflate;
        Socket socket = new Socket();
        ClientHandshake.Exchange exchange;
        InputStream in;
        try {
            socket.connect(new InetSocketAddress(host, port), CONNECT_TIMEOUT_MS);
            socket.setTcpNoDelay(true);
            socket.setSoTimeout(0);
            in = new BufferedInputStream(socket.getInputStream(), 64 << 10);
            socket.setSoTimeout(CONNECT_TIMEOUT_MS);
            exchange = ClientHandshake.perform(socket.getOutputStream(), in, host, port, path,
                    spec == null ? null : spec.offerHeader());
            deflate = Pmd.answer(ClientHandshake.header(exchange.response().split("\r\n"), "sec-websocket-extensions"),
                    spec == null ? java.util.List.of() : spec.offers());
            socket.setSoTimeout(0);
        } catch (IOException e) {
            closeQuietly(socket);
            return CaseResult.notOpened(def, agent, e.toString(), Map.of());
        }
        CaseScript script = new CaseScript(def.behaviour().get());
        Fuzzer fuzzer;
        try {
            fuzzer = new Fuzzer(Fuzzer.Role.CLIENT, socket, in, script);
            fuzzer.deflate = deflate == null ? null : new Pmd.Codec(deflate, false);
        } catch (IOException e) {
            closeQuietly(socket);
            return CaseResult.notOpened(def, agent, e.toString(), Map.of());
        }
        Map<String, Object> extra = new LinkedHashMap<>();
        extra.put("httpRequest", exchange.request());
        extra.put("httpResponse", exchange.response());
        if (deflate != null && Pmd.mismatch(deflate, spec.offers()) != null) {
            extra.put("permessageDeflateNote", Pmd.mismatch(deflate, spec.offers()));
        }
        try {
            java.util.concurrent.CompletableFuture<Void> done = fuzzer.start();
            try {
                done.get(SAFETY_CAP_SECONDS, TimeUnit.SECONDS);
            } catch (TimeoutException e) {
                fuzzer.abandon();
                done.get(5, TimeUnit.SECONDS);
            }
            return CaseResult.of(def, agent, script, fuzzer, extra);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return CaseResult.notOpened(def, agent, "interrupted", extra);
        } catch (ExecutionException | TimeoutException e) {
            return CaseResult.notOpened(def, agent, "runner error: " + e, extra);
        } finally {
            fuzzer.shutdown();
        }
    }

    private static void closeQuietly(Socket s) {
        try {
            s.close();
        } catch (IOException ignored) {
            // nothing to do
        }
    }
}
