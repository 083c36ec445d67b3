package dev.shuttle.websocket.internal.client;

import java.io.InputStream;
import java.nio.ByteBuffer;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.KeyStore;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;

import javax.net.ssl.SSLContext;
import javax.net.ssl.TrustManagerFactory;

import org.eclipse.jetty.server.HttpConfiguration;
import org.eclipse.jetty.server.HttpConnectionFactory;
import org.eclipse.jetty.server.SecureRequestCustomizer;
import org.eclipse.jetty.server.Server;
import org.eclipse.jetty.server.ServerConnector;
import org.eclipse.jetty.util.ssl.SslContextFactory;
import org.eclipse.jetty.websocket.api.Callback;
import org.eclipse.jetty.websocket.api.Session;
import org.eclipse.jetty.websocket.server.WebSocketUpgradeHandler;

/**
 * Jetty 12's own WebSocket server as an independent peer: echoes text and binary, closes with
 * 4001 on "bye", and records the close code it saw. Optionally over TLS with a keystore.
 */
public final class JettyPeer implements AutoCloseable {
    static final String PASSWORD = "changeit";

    final CompletableFuture<Integer> closeCode = new CompletableFuture<>();
    private final Server server = new Server();
    private final ServerConnector connector;

    JettyPeer(Path keyStore) throws Exception {
        if (keyStore == null) {
            connector = new ServerConnector(server);
        } else {
            SslContextFactory.Server tls = new SslContextFactory.Server();
            tls.setKeyStorePath(keyStore.toString());
            tls.setKeyStoreType("PKCS12");
            tls.setKeyStorePassword(PASSWORD);
            // No SNI host check: the wrong-host test must reach the client's own verification.
            HttpConfiguration http = new HttpConfiguration();
            http.addCustomizer(new SecureRequestCustomizer(false));
            connector = new ServerConnector(server, tls, new HttpConnectionFactory(http));
        }
        connector.setHost("127.0.0.1");
        connector.setPort(0);
        server.addConnector(connector);
        server.setHandler(WebSocketUpgradeHandler.from(server, container -> {
            container.setMaxTextMessageSize(2 << 20);
            container.setMaxBinaryMessageSize(2 << 20);
            container.addMapping("/", (request, response, callback) -> new Echo());
        }));
        server.start();
    }

    int port() {
        return connector.getLocalPort();
    }

    @Override
    public void close() throws Exception {
        server.stop();
    }

    /**
     * One connection; Jetty calls it on its own threads, one message at a time (auto-demanding).
     * Public, as Jetty binds the listener methods through public method handles.
     */
    public final class Echo extends Session.Listener.AbstractAutoDemanding {
        @Override
        public void onWebSocketText(String message) {
            if (message.equals("bye")) {
                getSession().close(4001, "bye from jetty", Callback.NOOP);
            } else {
                getSession().sendText(message, Callback.NOOP);
            }
        }

        @Override
        public void onWebSocketBinary(ByteBuffer payload, Callback callback) {
            ByteBuffer copy = ByteBuffer.allocate(payload.remaining()).put(payload).flip();
            callback.succeed();
            getSession().sendBinary(copy, Callback.NOOP);
        }

        @Override
        public void onWebSocketClose(int statusCode, String reason) {
            closeCode.complete(statusCode);
        }
    }

    /** The keystores made so far, by name: keytool is a JVM start each, so each test run makes each at most once. */
    private static final java.util.Map<String, Path> STORES = new java.util.concurrent.ConcurrentHashMap<>();

    /** A certificate for {@code localhost} and {@code 127.0.0.1}, made once per test run. */
    static Path localhostCert() {
        return cached("localhost", "dns:localhost,ip:127.0.0.1");
    }

    /** A certificate for another host only ({@code elsewhere.example}), made once per test run. */
    static Path wrongHostCert() {
        return cached("elsewhere", "dns:elsewhere.example");
    }

    private static Path cached(String name, String san) {
        return STORES.computeIfAbsent(name, n -> {
            try {
                Path dir = Files.createTempDirectory("shuttle-client-tls");
                dir.toFile().deleteOnExit(); // deleteOnExit runs in reverse order: the store first, then its directory
                Path store = selfSigned(dir, n, san);
                store.toFile().deleteOnExit();
                return store;
            } catch (Exception e) {
                throw new IllegalStateException("cannot make a test certificate", e);
            }
        });
    }

    /**
     * A self-signed EC certificate for the given subject alternative names (keytool's -ext SAN
     * syntax, e.g. {@code dns:localhost,ip:127.0.0.1}), made by the JDK's keytool.
     */
    static Path selfSigned(Path dir, String name, String san) throws Exception {
        Path store = dir.resolve(name + ".p12");
        Path keytool = Path.of(System.getProperty("java.home"), "bin", "keytool");
        Process p = new ProcessBuilder(keytool.toString(), "-genkeypair", "-alias", name, "-keyalg", "EC",
                "-groupname", "secp256r1", "-dname", "CN=" + name, "-ext", "SAN=" + san, "-validity", "2",
                "-keystore", store.toString(), "-storetype", "PKCS12", "-storepass", PASSWORD, "-keypass", PASSWORD)
                .redirectErrorStream(true).start();
        byte[] output;
        try (InputStream in = p.getInputStream()) {
            output = in.readAllBytes();
        }
        if (!p.waitFor(60, TimeUnit.SECONDS) || p.exitValue() != 0 || !Files.exists(store)) {
            throw new IllegalStateException("keytool failed: " + new String(output));
        }
        return store;
    }

    /** A client context that trusts exactly the certificate in the store. */
    static SSLContext trusting(Path store) throws Exception {
        KeyStore ks = KeyStore.getInstance("PKCS12");
        try (InputStream in = Files.newInputStream(store)) {
            ks.load(in, PASSWORD.toCharArray());
        }
        TrustManagerFactory tmf = TrustManagerFactory.getInstance(TrustManagerFactory.getDefaultAlgorithm());
        tmf.init(ks);
        SSLContext context = SSLContext.getInstance("TLS");
        context.init(null, tmf.getTrustManagers(), null);
        return context;
    }
}
