package dev.shuttle.autobahn;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;

import dev.shuttle.websocket.WebSocketServer;
import dev.shuttle.websocket.servlet.TomcatWebSocket;
import dev.shuttle.websocket.servlet.WebSocketServlet;
import org.apache.catalina.Context;
import org.apache.catalina.connector.Connector;
import org.apache.catalina.startup.Tomcat;

/**
 * The echo server on embedded Tomcat 11 ({@code --transport tomcat}): shuttle-servlet's
 * {@link WebSocketServlet} at every path, through the standard upgrade and the servlet bridge,
 * on a connector with the README's head guard ({@link TomcatWebSocket#connector}).
 */
final class TomcatEcho {
    private TomcatEcho() {
    }

    static Transports.Running start(WebSocketServer server, String host, int port) throws Exception {
        Path baseDir = Files.createTempDirectory("shuttle-autobahn-tomcat");
        Tomcat tomcat = new Tomcat();
        tomcat.setBaseDir(baseDir.toString());
        Connector connector = TomcatWebSocket.connector(server.options());
        connector.setPort(port);
        connector.setProperty("address", host);
        tomcat.setConnector(connector);
        Context context = tomcat.addContext("", baseDir.toString());
        Tomcat.addServlet(context, "echo", new WebSocketServlet(server));
        context.addServletMappingDecoded("/*", "echo");
        tomcat.start();
        if (connector.getLocalPort() <= 0) {
            tomcat.stop();
            tomcat.destroy();
            throw new IOException("Tomcat could not bind " + host + ":" + port);
        }
        int bound = connector.getLocalPort();
        return new Transports.Running() {
            @Override
            public int port() {
                return bound;
            }

            @Override
            public void close() {
                try {
                    tomcat.stop();
                    tomcat.destroy();
                } catch (Exception e) {
                    System.getLogger(TomcatEcho.class.getName()).log(System.Logger.Level.WARNING, "stopping Tomcat", e);
                }
            }
        };
    }
}
