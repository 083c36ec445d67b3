package dev.shuttle.websocket.spring;

import dev.shuttle.websocket.Options;
import dev.shuttle.websocket.WebSocketServer;
import dev.shuttle.websocket.jetty.JettyWebSocket;
import dev.shuttle.websocket.metrics.ShuttleMetrics;
import dev.shuttle.websocket.micrometer.ShuttleMeterBinder;
import dev.shuttle.websocket.servlet.HeadGuardProtocol;
import dev.shuttle.websocket.servlet.TomcatWebSocket;
import dev.shuttle.websocket.servlet.WebSocketServlet;
import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.binder.MeterBinder;
import org.eclipse.jetty.server.AbstractConnector;
import org.eclipse.jetty.server.Connector;
import org.eclipse.jetty.server.HttpConnectionFactory;
import org.springframework.boot.autoconfigure.AutoConfiguration;
import org.springframework.boot.autoconfigure.condition.ConditionalOnBean;
import org.springframework.boot.autoconfigure.condition.ConditionalOnClass;
import org.springframework.boot.autoconfigure.condition.ConditionalOnMissingBean;
import org.springframework.boot.autoconfigure.condition.ConditionalOnProperty;
import org.springframework.boot.autoconfigure.condition.ConditionalOnWebApplication;
import org.springframework.boot.context.properties.EnableConfigurationProperties;
import org.springframework.boot.health.contributor.Health;
import org.springframework.boot.health.contributor.HealthIndicator;
import org.springframework.boot.jetty.servlet.JettyServletWebServerFactory;
import org.springframework.boot.tomcat.servlet.TomcatServletWebServerFactory;
import org.springframework.boot.web.server.WebServerFactoryCustomizer;
import org.springframework.boot.web.servlet.ServletRegistrationBean;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;

/**
 * Serves the application's {@link WebSocketServer} bean on Boot's embedded servlet server
 * (Tomcat, or Jetty 12.1's ee11) through shuttle-servlet's {@link WebSocketServlet}, at
 * {@code shuttle.websocket.path} (default {@code /ws}):
 * <pre>{@code
 * @Bean
 * WebSocketServer echo(Options options, ShuttleMetrics metrics) {   // both auto-configured
 *     return WebSocketServer.builder().options(options).metrics(metrics)
 *             .onData((c, binary, data) -> c.write(data)).build();
 * }
 * }</pre>
 * What it adds:
 * <ul>
 * <li>an {@link Options} bean from {@link ShuttleWebSocketProperties} (unless one is declared);</li>
 * <li>a {@link ShuttleMetrics} bean (unless one is declared), for the server to count into;</li>
 * <li>the servlet registration;</li>
 * <li>{@link ShuttleWebSocketLifecycle}: on shutdown every client gets 1001 before Boot's web
 * server shuts down;</li>
 * <li>on Tomcat, the request-head guard of {@link TomcatWebSocket} (its
 * {@link HeadGuardProtocol} connector), unless {@code shuttle.websocket.tomcat-head-guard=false};</li>
 * <li>on Jetty, the request-head guard of {@link JettyWebSocket#guardRequestHeads}, unless
 * {@code shuttle.websocket.jetty-head-guard=false} (on Jetty the servlet hands the byte stream
 * over through shuttle-jetty's transport, a dependency of this module);</li>
 * <li>with the actuator, a {@code shuttleWebSocket} health indicator and a
 * {@code shuttle.websocket.connections} gauge;</li>
 * <li>with shuttle-micrometer too, every figure of the server's {@link WebSocketServer#metrics()}
 * as {@code shuttle.*} meters ({@link ShuttleMeterBinder}); a server built without
 * {@code .metrics(...)} has none to bind.</li>
 * </ul>
 */
@AutoConfiguration
@ConditionalOnWebApplication(type = ConditionalOnWebApplication.Type.SERVLET)
@ConditionalOnClass({WebSocketServer.class, WebSocketServlet.class, ServletRegistrationBean.class})
@EnableConfigurationProperties(ShuttleWebSocketProperties.class)
public class ShuttleWebSocketAutoConfiguration {
    /** For Boot. */
    public ShuttleWebSocketAutoConfiguration() {
    }

    /**
     * The options for the application's {@code WebSocketServer}, from {@code shuttle.websocket.*}.
     *
     * @param properties the bound properties
     * @return Shuttle's defaults with the set properties applied
     */
    @Bean
    @ConditionalOnMissingBean
    public Options shuttleWebSocketOptions(ShuttleWebSocketProperties properties) {
        return properties.toOptions();
    }

    /**
     * Where the application's {@code WebSocketServer} counts, when it is built with
     * {@code .metrics(metrics)}: the figures shuttle-micrometer binds to Boot's registry.
     *
     * @return new, empty metrics
     */
    @Bean
    @ConditionalOnMissingBean
    public ShuttleMetrics shuttleMetrics() {
        return new ShuttleMetrics();
    }

    /**
     * The servlet that upgrades requests at {@code shuttle.websocket.path}.
     *
     * @param server the application's server
     * @param properties the bound properties
     * @return the registration
     */
    @Bean
    @ConditionalOnBean(WebSocketServer.class)
    public ServletRegistrationBean<WebSocketServlet> shuttleWebSocketServlet(WebSocketServer server,
            ShuttleWebSocketProperties properties) {
        ServletRegistrationBean<WebSocketServlet> registration =
                new ServletRegistrationBean<>(new WebSocketServlet(server), properties.getPath());
        registration.setName("shuttleWebSocket");
        registration.setAsyncSupported(true);
        return registration;
    }

    /**
     * Closes every connection with 1001 within Boot's shutdown.
     *
     * @param server the application's server
     * @param properties the bound properties
     * @return the lifecycle
     */
    @Bean
    @ConditionalOnBean(WebSocketServer.class)
    public ShuttleWebSocketLifecycle shuttleWebSocketLifecycle(WebSocketServer server, ShuttleWebSocketProperties properties) {
        return new ShuttleWebSocketLifecycle(server, properties.getShutdownTimeout());
    }

    /** Boot's Tomcat: the head guard of {@link TomcatWebSocket}. */
    @Configuration(proxyBeanMethods = false)
    @ConditionalOnClass({TomcatServletWebServerFactory.class, HeadGuardProtocol.class})
    @ConditionalOnProperty(prefix = "shuttle.websocket", name = "tomcat-head-guard", matchIfMissing = true)
    static class TomcatHeadGuard {
        @Bean
        WebServerFactoryCustomizer<TomcatServletWebServerFactory> shuttleTomcatHeadGuard(Options options) {
            return factory -> {
                factory.setProtocol(HeadGuardProtocol.class.getName());
                factory.addConnectorCustomizers(connector -> TomcatWebSocket.guardRequestHeads(connector, options));
            };
        }
    }

    /**
     * Boot's Jetty: the head guard of {@link JettyWebSocket} on every HTTP/1.1 connector, applied
     * once Boot has built the server (its server customizers run after its own connector and
     * SSL settings, so these override {@code server.max-http-request-header-size} and
     * {@code server.jetty.connection-idle-timeout}).
     */
    @Configuration(proxyBeanMethods = false)
    @ConditionalOnClass({JettyServletWebServerFactory.class, JettyWebSocket.class})
    @ConditionalOnProperty(prefix = "shuttle.websocket", name = "jetty-head-guard", matchIfMissing = true)
    static class JettyHeadGuard {
        @Bean
        WebServerFactoryCustomizer<JettyServletWebServerFactory> shuttleJettyHeadGuard(Options options) {
            return factory -> factory.addServerCustomizers(server -> {
                for (Connector connector : server.getConnectors()) {
                    if (connector instanceof AbstractConnector c && c.getConnectionFactory(HttpConnectionFactory.class) != null) {
                        JettyWebSocket.guardRequestHeads(c, options);
                    }
                }
            });
        }
    }

    /** The actuator's health endpoint: up, with the number of open connections. */
    @Configuration(proxyBeanMethods = false)
    @ConditionalOnClass(HealthIndicator.class)
    static class ShuttleHealth {
        @Bean
        @ConditionalOnBean(WebSocketServer.class)
        @ConditionalOnMissingBean(name = "shuttleWebSocketHealthIndicator")
        HealthIndicator shuttleWebSocketHealthIndicator(WebSocketServer server) {
            return () -> Health.up().withDetail("connections", server.connections().size()).build();
        }
    }

    /** Micrometer (with the actuator): the number of open connections as a gauge. */
    @Configuration(proxyBeanMethods = false)
    @ConditionalOnClass(MeterBinder.class)
    static class ConnectionGauge {
        @Bean
        @ConditionalOnBean(WebSocketServer.class)
        MeterBinder shuttleWebSocketMetrics(WebSocketServer server) {
            return registry -> Gauge.builder("shuttle.websocket.connections", server, s -> s.connections().size())
                    .description("open WebSocket connections").register(registry);
        }
    }

    /**
     * shuttle-micrometer (with the actuator): the server's {@link ShuttleMetrics} as Micrometer
     * meters. Boot binds every {@link MeterBinder} bean to its registries.
     */
    @Configuration(proxyBeanMethods = false)
    @ConditionalOnClass({MeterBinder.class, ShuttleMeterBinder.class})
    static class ShuttleMicrometer {
        private static final System.Logger LOG = System.getLogger(ShuttleWebSocketAutoConfiguration.class.getName());

        @Bean
        @ConditionalOnBean(WebSocketServer.class)
        @ConditionalOnMissingBean(name = "shuttleMeterBinder")
        MeterBinder shuttleMeterBinder(WebSocketServer server) {
            ShuttleMetrics metrics = server.metrics();
            if (metrics == null) {
                // Binding the ShuttleMetrics bean here would show zeros: the server does not count into it.
                LOG.log(System.Logger.Level.INFO, "The WebSocketServer bean was built without .metrics(...): "
                        + "no shuttle.* meters (pass it the ShuttleMetrics bean to get them)");
                return registry -> { };
            }
            return new ShuttleMeterBinder(metrics);
        }
    }
}
