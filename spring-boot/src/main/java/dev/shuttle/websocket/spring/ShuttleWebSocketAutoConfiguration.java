package dev.shuttle.websocket.spring;

import dev.shuttle.websocket.Options;
import dev.shuttle.websocket.WebSocketServer;
import dev.shuttle.websocket.servlet.HeadGuardProtocol;
import dev.shuttle.websocket.servlet.TomcatWebSocket;
import dev.shuttle.websocket.servlet.WebSocketServlet;
import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.binder.MeterBinder;
import org.springframework.boot.autoconfigure.AutoConfiguration;
import org.springframework.boot.autoconfigure.condition.ConditionalOnBean;
import org.springframework.boot.autoconfigure.condition.ConditionalOnClass;
import org.springframework.boot.autoconfigure.condition.ConditionalOnMissingBean;
import org.springframework.boot.autoconfigure.condition.ConditionalOnProperty;
import org.springframework.boot.autoconfigure.condition.ConditionalOnWebApplication;
import org.springframework.boot.context.properties.EnableConfigurationProperties;
import org.springframework.boot.health.contributor.Health;
import org.springframework.boot.health.contributor.HealthIndicator;
import org.springframework.boot.tomcat.servlet.TomcatServletWebServerFactory;
import org.springframework.boot.web.server.WebServerFactoryCustomizer;
import org.springframework.boot.web.servlet.ServletRegistrationBean;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;

/**
 * Serves the application's {@link WebSocketServer} bean on Boot's embedded servlet server
 * through shuttle-servlet's {@link WebSocketServlet}, at {@code shuttle.websocket.path}
 * (default {@code /ws}):
 * <pre>{@code
 * @Bean
 * WebSocketServer echo(Options options) {            // options from shuttle.websocket.* properties
 *     return WebSocketServer.builder().options(options)
 *             .onData((c, binary, data) -> c.write(data)).build();
 * }
 * }</pre>
 * What it adds:
 * <ul>
 * <li>an {@link Options} bean from {@link ShuttleWebSocketProperties} (unless one is declared);</li>
 * <li>the servlet registration;</li>
 * <li>{@link ShuttleWebSocketLifecycle}: on shutdown every client gets 1001 before Boot's web
 * server shuts down;</li>
 * <li>on Tomcat, the request-head guard of {@link TomcatWebSocket} (its
 * {@link HeadGuardProtocol} connector), unless {@code shuttle.websocket.tomcat-head-guard=false};</li>
 * <li>with the actuator, a {@code shuttleWebSocket} health indicator and a
 * {@code shuttle.websocket.connections} gauge.</li>
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
    static class ShuttleMetrics {
        @Bean
        @ConditionalOnBean(WebSocketServer.class)
        MeterBinder shuttleWebSocketMetrics(WebSocketServer server) {
            return registry -> Gauge.builder("shuttle.websocket.connections", server, s -> s.connections().size())
                    .description("open WebSocket connections").register(registry);
        }
    }
}
