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
import dev.shuttle.websocket.testing.ServerFixture;
import org.apache.catalina.Context;
import org.apache.catalina.connector.Connector;
import org.apache.catalina.startup.Tomcat;
import org.apache.tomcat.websocket.server.WsSci;

/**
 * Embedded Tomcat 11 on 127.0.0.1 and an ephemeral port, with {@link WebSocketServlet} at
 * {@code /*}: the standard {@code upgrade()} with the non-blocking bridge, behind the
 * request-head settings of the README ({@link #guardRequestHeads}). Tomcat's own JSR-356
 * WebSocket is initialised in the same context ({@link WsSci}, as a Tomcat with
 * tomcat-embed-websocket on the class path does), so every test also shows that it does not get
 * in the way.
 */
public final class TomcatServletFixture implements ServerFixture {
    private int containerHeadBytes;
    private Consumer<Context> customizer = context -> { };
    private Tomcat tomcat;
    private Path baseDir;

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
     * The README's Tomcat settings for the request head, from the server's options: heads up to
     * {@code maxRequestHeadBytes} (Tomcat answers 400 beyond and closes) and
     * {@code connectionTimeout} = {@code handshakeTimeout}, which bounds the wait for a request
     * head's bytes (a silent or dripping peer) and never applies to an upgraded connection.
     */
    static void guardRequestHeads(Connector connector, int maxRequestHeadBytes, java.time.Duration handshakeTimeout) {
        connector.setProperty("maxHttpHeaderSize", Integer.toString(maxRequestHeadBytes));
        connector.setProperty("connectionTimeout", Long.toString(Math.max(1, handshakeTimeout.toMillis())));
    }

    @Override
    public URI start(WebSocketServer server) throws Exception {
        baseDir = Files.createTempDirectory("shuttle-tomcat");
        tomcat = new Tomcat();
        tomcat.setBaseDir(baseDir.toString());
        Connector connector = new Connector(); // HTTP/1.1 on NIO, Tomcat's default
        connector.setPort(0);
        connector.setProperty("address", "127.0.0.1");
        Options options = server.options();
        guardRequestHeads(connector, containerHeadBytes > 0 ? containerHeadBytes : options.maxRequestHeadBytes(),
                options.handshakeTimeout());
        tomcat.setConnector(connector);
        Context context = tomcat.addContext("", baseDir.toString());
        context.addServletContainerInitializer(new WsSci(), null);
        Tomcat.addServlet(context, "shuttle", new WebSocketServlet(server));
        context.addServletMappingDecoded("/*", "shuttle");
        customizer.accept(context);
        tomcat.start();
        return URI.create("ws://127.0.0.1:" + connector.getLocalPort() + "/");
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
