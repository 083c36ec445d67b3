package dev.shuttle.websocket.servlet;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.io.InputStream;
import java.net.InetSocketAddress;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.KeyStore;
import java.util.List;

import javax.net.ssl.KeyManagerFactory;
import javax.net.ssl.SSLContext;

import dev.shuttle.websocket.WebSocketServer;
import dev.shuttle.websocket.jetty.SelfSigned;
import io.undertow.Undertow;
import io.undertow.servlet.Servlets;
import io.undertow.servlet.api.DeploymentManager;
import io.undertow.servlet.util.ImmediateInstanceFactory;
import org.eclipse.jetty.ee10.servlet.ServletContextHandler;
import org.eclipse.jetty.ee10.servlet.ServletHolder;
import org.eclipse.jetty.server.HttpConfiguration;
import org.eclipse.jetty.server.HttpConnectionFactory;
import org.eclipse.jetty.server.SecureRequestCustomizer;
import org.eclipse.jetty.server.Server;
import org.eclipse.jetty.server.ServerConnector;
import org.eclipse.jetty.server.SslConnectionFactory;
import org.eclipse.jetty.util.ssl.SslContextFactory;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/** wss through the servlet: Jetty ee10 behind its SslConnectionFactory, Undertow behind its HTTPS listener, Tomcat behind its TLS connector. */
class ServletTlsTest {
    private static final List<String> TEXTS = List.of("hello over tls", "y".repeat(40_000));

    private static WebSocketServer echo() {
        return WebSocketServer.builder().onData((c, binary, data) -> c.write(new String(data, StandardCharsets.UTF_8))).build();
    }

    @Test
    @Timeout(60)
    void wssOnJettyEe10() throws Exception {
        Path keyStore = SelfSigned.keyStore();
        Server jetty = new Server();
        SslContextFactory.Server ssl = new SslContextFactory.Server();
        ssl.setKeyStorePath(keyStore.toString());
        ssl.setKeyStoreType("PKCS12");
        ssl.setKeyStorePassword(SelfSigned.PASSWORD);
        HttpConfiguration https = new HttpConfiguration();
        https.addCustomizer(new SecureRequestCustomizer());
        ServerConnector connector = new ServerConnector(jetty, 1, 1,
                new SslConnectionFactory(ssl, "http/1.1"), new HttpConnectionFactory(https));
        connector.setHost("127.0.0.1");
        jetty.addConnector(connector);
        ServletContextHandler context = new ServletContextHandler("/");
        context.addServlet(new ServletHolder(new WebSocketServlet(echo())), "/*");
        jetty.setHandler(context);
        jetty.start();
        try {
            URI uri = URI.create("wss://127.0.0.1:" + connector.getLocalPort() + "/");
            assertEquals(TEXTS, SelfSigned.echo(SelfSigned.trusting(keyStore), uri, TEXTS));
        } finally {
            jetty.stop();
        }
    }

    @Test
    @Timeout(60)
    @org.junit.jupiter.api.Tag("undertow-servlet") // see UndertowServletTransportTest
    void wssOnUndertowServlet() throws Exception {
        Path keyStore = SelfSigned.keyStore();
        KeyStore ks = KeyStore.getInstance("PKCS12");
        try (InputStream in = Files.newInputStream(keyStore)) {
            ks.load(in, SelfSigned.PASSWORD.toCharArray());
        }
        KeyManagerFactory kmf = KeyManagerFactory.getInstance(KeyManagerFactory.getDefaultAlgorithm());
        kmf.init(ks, SelfSigned.PASSWORD.toCharArray());
        SSLContext serverTls = SSLContext.getInstance("TLS");
        serverTls.init(kmf.getKeyManagers(), null, null);

        DeploymentManager manager = Servlets.defaultContainer().addDeployment(Servlets.deployment()
                .setClassLoader(getClass().getClassLoader()).setContextPath("/").setDeploymentName("tls")
                .addServlet(Servlets.servlet("ws", WebSocketServlet.class,
                        new ImmediateInstanceFactory<>(new WebSocketServlet(echo()))).addMapping("/*")));
        manager.deploy();
        Undertow undertow = Undertow.builder().addHttpsListener(0, "127.0.0.1", serverTls)
                .setIoThreads(1).setWorkerThreads(4).setHandler(manager.start()).build();
        undertow.start();
        try {
            int port = ((InetSocketAddress) undertow.getListenerInfo().get(0).getAddress()).getPort();
            URI uri = URI.create("wss://127.0.0.1:" + port + "/");
            assertEquals(TEXTS, SelfSigned.echo(SelfSigned.trusting(keyStore), uri, TEXTS));
        } finally {
            undertow.stop();
            manager.stop();
            manager.undeploy();
        }
    }

    @Test
    @Timeout(60)
    void wssOnTomcat() throws Exception {
        Path keyStore = SelfSigned.keyStore();
        TomcatServletFixture tomcat = new TomcatServletFixture().tls(keyStore);
        try {
            URI uri = tomcat.start(echo());
            assertEquals(TEXTS, SelfSigned.echo(SelfSigned.trusting(keyStore), uri, TEXTS));
        } finally {
            tomcat.stop();
        }
    }
}
