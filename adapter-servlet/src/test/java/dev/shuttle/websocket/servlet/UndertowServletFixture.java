package dev.shuttle.websocket.servlet;

import java.net.InetSocketAddress;
import java.net.URI;

import dev.shuttle.websocket.WebSocketServer;
import dev.shuttle.websocket.undertow.UndertowWebSocket;
import dev.shuttle.websocket.testing.ServerFixture;
import io.undertow.Undertow;
import io.undertow.servlet.Servlets;
import io.undertow.servlet.api.DeploymentInfo;
import io.undertow.servlet.api.DeploymentManager;
import io.undertow.servlet.util.ImmediateInstanceFactory;

/**
 * Undertow's servlet container on 127.0.0.1 and an ephemeral port, with {@link WebSocketServlet}
 * at {@code /*}: the standard {@code upgrade()} with the non-blocking bridge, behind the
 * request-head guard of the README ({@link UndertowWebSocket#guardRequestHeads}).
 */
public final class UndertowServletFixture implements ServerFixture {
    private int containerHeadBytes;
    private Undertow undertow;
    private DeploymentManager manager;

    /**
     * The request head size the container accepts, instead of the server's
     * {@code maxRequestHeadBytes}: larger, to show Shuttle's own 431 behind the container.
     */
    public UndertowServletFixture containerHeadLimit(int bytes) {
        this.containerHeadBytes = bytes;
        return this;
    }

    @Override
    public URI start(WebSocketServer server) throws Exception {
        DeploymentInfo deployment = Servlets.deployment()
                .setClassLoader(UndertowServletFixture.class.getClassLoader())
                .setContextPath("/")
                .setDeploymentName("shuttle")
                .addServlet(Servlets.servlet("ws", WebSocketServlet.class,
                                new ImmediateInstanceFactory<>(new WebSocketServlet(server)))
                        .addMapping("/*"));
        manager = Servlets.defaultContainer().addDeployment(deployment);
        manager.deploy();
        Undertow.Builder b = Undertow.builder()
                .addHttpListener(0, "127.0.0.1")
                .setIoThreads(1)
                .setWorkerThreads(4)
                .setHandler(manager.start());
        UndertowWebSocket.guardRequestHeads(b,
                containerHeadBytes > 0 ? containerHeadBytes : server.options().maxRequestHeadBytes(),
                server.options().handshakeTimeout());
        undertow = b.build();
        undertow.start();
        int port = ((InetSocketAddress) undertow.getListenerInfo().get(0).getAddress()).getPort();
        return URI.create("ws://127.0.0.1:" + port + "/");
    }

    @Override
    public void stop() throws Exception {
        Undertow u = undertow;
        undertow = null;
        if (u != null) {
            // Bounded: Undertow's stop waits for its I/O threads, and one that spins (see the
            // README on UpgradeServletOutputStream) would hang the build.
            Thread stopper = Thread.ofPlatform().daemon().start(u::stop);
            if (!stopper.join(java.time.Duration.ofSeconds(10))) {
                throw new IllegalStateException("Undertow did not stop within 10 s (an I/O thread is stuck)");
            }
        }
        DeploymentManager m = manager;
        manager = null;
        if (m != null) {
            m.stop();
            m.undeploy();
        }
    }
}
