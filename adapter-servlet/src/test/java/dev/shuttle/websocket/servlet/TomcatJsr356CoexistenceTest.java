package dev.shuttle.websocket.servlet;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.net.URI;
import java.nio.charset.StandardCharsets;

import dev.shuttle.websocket.WebSocketServer;
import dev.shuttle.websocket.testing.JdkClient;
import jakarta.servlet.ServletContextEvent;
import jakarta.servlet.ServletContextListener;
import jakarta.websocket.DeploymentException;
import jakarta.websocket.Endpoint;
import jakarta.websocket.EndpointConfig;
import jakarta.websocket.MessageHandler;
import jakarta.websocket.Session;
import jakarta.websocket.server.ServerContainer;
import jakarta.websocket.server.ServerEndpointConfig;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/**
 * Tomcat's own JSR-356 WebSocket and Shuttle in one context: WsSci installs Tomcat's WsFilter on
 * {@code /*}, a JSR-356 endpoint is deployed at {@code /jsr}, Shuttle's servlet serves every
 * other path. Each upgrade goes to its own implementation: WsFilter takes only the paths of its
 * endpoints and passes every other request on.
 */
class TomcatJsr356CoexistenceTest {
    private final TomcatServletFixture tomcat = new TomcatServletFixture().customize(context ->
            context.addApplicationListener(JsrDeployer.class.getName()));

    @AfterEach
    void stop() throws Exception {
        tomcat.stop();
    }

    @Test
    @Timeout(60)
    void eachUpgradeReachesItsOwnImplementation() throws Exception {
        WebSocketServer shuttle = WebSocketServer.builder()
                .onData((c, binary, data) -> c.write("shuttle:" + new String(data, StandardCharsets.UTF_8)))
                .build();
        URI base = tomcat.start(shuttle);
        try (JdkClient jsr = JdkClient.connect(base.resolve("/jsr")); JdkClient ours = JdkClient.connect(base.resolve("/ws"))) {
            jsr.sendText("a");
            ours.sendText("b");
            assertEquals("tomcat:a", jsr.nextMessage().text());
            assertEquals("shuttle:b", ours.nextMessage().text());
        }
        assertEquals(0, shuttle.connections().stream().filter(c -> "/jsr".equals(c.path())).count(),
                "Shuttle never saw the JSR-356 connection");
    }

    /** Deploys the JSR-356 echo once WsSci has made Tomcat's ServerContainer. */
    public static final class JsrDeployer implements ServletContextListener {
        @Override
        public void contextInitialized(ServletContextEvent event) {
            ServerContainer container = (ServerContainer) event.getServletContext().getAttribute(ServerContainer.class.getName());
            try {
                container.addEndpoint(ServerEndpointConfig.Builder.create(TomcatEcho.class, "/jsr").build());
            } catch (DeploymentException e) {
                throw new IllegalStateException(e);
            }
        }
    }

    /** Tomcat's JSR-356 echo, prefixing "tomcat:". */
    public static final class TomcatEcho extends Endpoint {
        @Override
        public void onOpen(Session session, EndpointConfig config) {
            session.addMessageHandler(String.class, (MessageHandler.Whole<String>) text ->
                    session.getAsyncRemote().sendText("tomcat:" + text));
        }
    }
}
