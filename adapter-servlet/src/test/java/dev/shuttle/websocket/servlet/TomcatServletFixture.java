package dev.shuttle.websocket.servlet;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.URI;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Comparator;
import java.util.function.Consumer;
import java.util.stream.Stream;

import dev.shuttle.websocket.Options;
import dev.shuttle.websocket.WebSocketServer;
import dev.shuttle.websocket.jetty.SelfSigned;
import dev.shuttle.websocket.testing.ServerFixture;
import org.apache.catalina.Context;
import org.apache.catalina.connector.Connector;
import org.apache.catalina.startup.Tomcat;
import org.apache.tomcat.util.net.SSLHostConfig;
import org.apache.tomcat.util.net.SSLHostConfigCertificate;
import org.apache.tomcat.websocket.server.WsSci;

/**
 * Embedded Tomcat 11 on 127.0.0.1 and an ephemeral port, with {@link WebSocketServlet} at
 * {@code /*}: the standard {@code upgrade()} with the non-blocking bridge, behind the
 * request-head settings of the README ({@link TomcatWebSocket#guardRequestHeads}). Tomcat's own JSR-356
 * WebSocket is initialised in the same context ({@link WsSci}, as a Tomcat with
 * tomcat-embed-websocket on the class path does), so every test also shows that it does not get
 * in the way.
 */
public final class TomcatServletFixture implements ServerFixture {
    private int containerHeadBytes;
    private Consumer<Context> customizer = context -> { };
    private Tomcat tomcat;
    private Path baseDir;
    private Path keyStore;
    private int maxThreads;
    private int threadIdleMillis;

    /**
     * The request head size the container accepts, instead of the server's
     * {@code maxRequestHeadBytes}: larger, to show Shuttle's own 431 behind the container.
     */
    public TomcatServletFixture containerHeadLimit(int bytes) {
        this.containerHeadBytes = bytes;
        return this;
    }

    /** More set-up of the context before Tomcat starts (another servlet, a JSR-356 endpoint). */
    TomcatServletFixture customize(Consumer<Context> customizer) {
        this.customizer = customizer;
        return this;
    }

    /**
     * Tomcat's worker pool: at most {@code max} threads, idle ones ending after {@code idleMillis}
     * (Tomcat's defaults, 200 and 60 s, keep a burst's threads for a minute).
     */
    TomcatServletFixture threads(int max, int idleMillis) {
        this.maxThreads = max;
        this.threadIdleMillis = idleMillis;
        return this;
    }

    /** Serves wss with the PKCS12 key store (password {@link SelfSigned#PASSWORD}). */
    TomcatServletFixture tls(Path keyStore) {
        this.keyStore = keyStore;
        return this;
    }

    @Override
    public URI start(WebSocketServer server) throws Exception {
        baseDir = Files.createTempDirectory("shuttle-tomcat");
        tomcat = new Tomcat();
        tomcat.setBaseDir(baseDir.toString());
        // HTTP/1.1 on NIO with the README's head guard (TomcatWebSocket).
        Connector connector = new Connector(HeadGuardProtocol.class.getName());
        Options options = server.options();
        TomcatWebSocket.guardRequestHeads(connector,
                containerHeadBytes > 0 ? containerHeadBytes : options.maxRequestHeadBytes(), options.handshakeTimeout());
        connector.setPort(0);
        connector.setProperty("address", "127.0.0.1");
        if (maxThreads > 0) {
            connector.setProperty("maxThreads", Integer.toString(maxThreads));
            connector.setProperty("minSpareThreads", "4");
            connector.setProperty("threadsMaxIdleTime", Integer.toString(threadIdleMillis));
        }
        if (keyStore != null) {
            connector.setSecure(true);
            connector.setScheme("https");
            connector.setProperty("SSLEnabled", "true");
            SSLHostConfig host = new SSLHostConfig();
            SSLHostConfigCertificate certificate = new SSLHostConfigCertificate(host, SSLHostConfigCertificate.Type.UNDEFINED);
            certificate.setCertificateKeystoreFile(keyStore.toAbsolutePath().toString());
            certificate.setCertificateKeystorePassword(SelfSigned.PASSWORD);
            certificate.setCertificateKeystoreType("PKCS12");
            host.addCertificate(certificate);
            connector.addSslHostConfig(host);
        }
        tomcat.setConnector(connector);
        Context context = tomcat.addContext("", baseDir.toString());
        context.addServletContainerInitializer(new WsSci(), null);
        Tomcat.addServlet(context, "shuttle", new WebSocketServlet(server));
        context.addServletMappingDecoded("/*", "shuttle");
        customizer.accept(context);
        tomcat.start();
        if (connector.getLocalPort() <= 0) {
            stop();
            throw new IllegalStateException("Tomcat's connector did not start (see Tomcat's log above)");
        }
        return URI.create((keyStore != null ? "wss" : "ws") + "://127.0.0.1:" + connector.getLocalPort() + "/");
    }

    @Override
    public void stop() throws Exception {
        Tomcat t = tomcat;
        tomcat = null;
        if (t != null) {
            t.stop();
            t.destroy();
        }
        Path dir = baseDir;
        baseDir = null;
        if (dir != null) {
            try (Stream<Path> files = Files.walk(dir)) {
                files.sorted(Comparator.reverseOrder()).forEach(p -> {
                    try {
                        Files.delete(p);
                    } catch (IOException e) {
                        throw new UncheckedIOException(e);
                    }
                });
            }
        }
    }
}
