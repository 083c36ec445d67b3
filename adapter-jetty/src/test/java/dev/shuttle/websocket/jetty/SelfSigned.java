package dev.shuttle.websocket.jetty;

import java.io.IOException;
import java.io.InputStream;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.WebSocket;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.KeyStore;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.TimeUnit;

import javax.net.ssl.SSLContext;
import javax.net.ssl.TrustManagerFactory;

/**
 * A self-signed certificate for 127.0.0.1/localhost, made by the running JDK's keytool into a
 * PKCS12 file under target/ (nothing checked in), and a JDK client that trusts only it.
 */
public final class SelfSigned {
    public static final String PASSWORD = "changeit";
    private static final String ALIAS = "shuttle";

    private SelfSigned() {
    }

    /** A new PKCS12 key store holding one key pair and its self-signed certificate. */
    public static Path keyStore() throws IOException, InterruptedException {
        Path dir = Files.createDirectories(Path.of("target", "tls"));
        Path file = dir.resolve("selfsigned-" + ProcessHandle.current().pid() + "-" + System.nanoTime() + ".p12");
        Path keytool = Path.of(System.getProperty("java.home"), "bin", "keytool");
        Process p = new ProcessBuilder(keytool.toString(), "-genkeypair", "-alias", ALIAS, "-keyalg", "EC",
                "-groupname", "secp256r1", "-dname", "CN=localhost", "-ext", "SAN=ip:127.0.0.1,dns:localhost",
                "-validity", "2", "-storetype", "PKCS12", "-keystore", file.toString(),
                "-storepass", PASSWORD, "-keypass", PASSWORD)
                .redirectErrorStream(true).start();
        String output;
        try (InputStream in = p.getInputStream()) {
            output = new String(in.readAllBytes());
        }
        if (!p.waitFor(60, TimeUnit.SECONDS) || p.exitValue() != 0) {
            p.destroyForcibly();
            throw new IOException("keytool failed: " + output);
        }
        return file;
    }

    /** An SSLContext that trusts exactly the certificate in the key store. */
    public static SSLContext trusting(Path keyStore) throws Exception {
        KeyStore ks = KeyStore.getInstance("PKCS12");
        try (InputStream in = Files.newInputStream(keyStore)) {
            ks.load(in, PASSWORD.toCharArray());
        }
        // Trust managers read certificate entries only, not the key entry's certificate.
        KeyStore trust = KeyStore.getInstance(KeyStore.getDefaultType());
        trust.load(null, null);
        trust.setCertificateEntry(ALIAS, ks.getCertificate(ALIAS));
        TrustManagerFactory tmf = TrustManagerFactory.getInstance(TrustManagerFactory.getDefaultAlgorithm());
        tmf.init(trust);
        SSLContext ctx = SSLContext.getInstance("TLS");
        ctx.init(null, tmf.getTrustManagers(), null);
        return ctx;
    }

    /**
     * Connects the JDK client over wss, sends each text and returns what came back, in order;
     * then closes with 1000 and returns once the server's close arrived.
     */
    public static List<String> echo(SSLContext ctx, URI wss, List<String> texts) throws Exception {
        try (HttpClient http = HttpClient.newBuilder().sslContext(ctx).build()) {
            java.util.concurrent.LinkedBlockingQueue<String> received = new java.util.concurrent.LinkedBlockingQueue<>();
            CompletableFuture<Integer> closed = new CompletableFuture<>();
            WebSocket ws = http.newWebSocketBuilder().buildAsync(wss, new WebSocket.Listener() {
                private final StringBuilder text = new StringBuilder();

                @Override
                public CompletionStage<?> onText(WebSocket w, CharSequence data, boolean last) {
                    text.append(data);
                    if (last) {
                        received.add(text.toString());
                        text.setLength(0);
                    }
                    w.request(1);
                    return null;
                }

                @Override
                public CompletionStage<?> onClose(WebSocket w, int code, String reason) {
                    closed.complete(code);
                    return null;
                }

                @Override
                public void onError(WebSocket w, Throwable error) {
                    closed.completeExceptionally(error);
                }
            }).get(30, TimeUnit.SECONDS);
            java.util.ArrayList<String> echoed = new java.util.ArrayList<>();
            for (String t : texts) {
                ws.sendText(t, true).get(30, TimeUnit.SECONDS);
                String back = received.poll(30, TimeUnit.SECONDS);
                if (back == null) {
                    throw new AssertionError("no echo of " + t);
                }
                echoed.add(back);
            }
            ws.sendClose(1000, "done").get(30, TimeUnit.SECONDS);
            int code = closed.get(30, TimeUnit.SECONDS);
            if (code != 1000) {
                throw new AssertionError("server closed with " + code);
            }
            return echoed;
        }
    }
}
