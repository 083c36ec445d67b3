package dev.shuttle.examples;

import java.io.IOException;
import java.io.OutputStream;
import java.net.InetSocketAddress;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;

import dev.shuttle.websocket.CloseCode;
import dev.shuttle.websocket.WebSocketServer;
import dev.shuttle.websocket.servlet.TomcatWebSocket;
import dev.shuttle.websocket.servlet.WebSocketFilter;
import dev.shuttle.websocket.standalone.HttpHandler;
import dev.shuttle.websocket.standalone.HttpResponse;
import jakarta.servlet.http.HttpServlet;
import jakarta.servlet.http.HttpServletRequest;
import jakarta.servlet.http.HttpServletResponse;
import org.apache.catalina.Context;
import org.apache.catalina.connector.Connector;
import org.apache.catalina.startup.Tomcat;
import org.apache.tomcat.util.descriptor.web.FilterDef;
import org.apache.tomcat.util.descriptor.web.FilterMap;

/**
 * {@code --transport tomcat}: embedded Tomcat 11, Shuttle's {@link WebSocketFilter} in front of a
 * servlet serving the page, on a connector whose request heads are bounded by the server's
 * options ({@link TomcatWebSocket#connector}).
 */
final class TomcatTransport {
    private TomcatTransport() {
    }

    static Transports.Running start(WebSocketServer server, HttpHandler pages, InetSocketAddress address) throws Exception {
        Path baseDir = Files.createTempDirectory("shuttle-tomcat");
        baseDir.toFile().deleteOnExit();
        Tomcat tomcat = new Tomcat();
        tomcat.setBaseDir(baseDir.toString());
        Connector connector = TomcatWebSocket.connector(server.options());
        connector.setPort(address.getPort());
        connector.setProperty("address", address.getHostString());
        tomcat.setConnector(connector);

        Context context = tomcat.addContext("", baseDir.toString());
        FilterDef filter = new FilterDef();
        filter.setFilterName("shuttle");
        filter.setFilter(new WebSocketFilter(server));
        context.addFilterDef(filter);
        FilterMap map = new FilterMap();
        map.setFilterName("shuttle");
        map.addURLPattern("/*");
        context.addFilterMap(map);
        Tomcat.addServlet(context, "pages", new PageServlet(pages));
        context.addServletMappingDecoded("/", "pages");

        try {
            tomcat.start();
            if (connector.getLocalPort() <= 0) {
                throw new IOException("Tomcat could not bind " + address);
            }
        } catch (Exception e) {
            tomcat.stop();
            tomcat.destroy();
            throw e;
        }
        return Transports.running(connector.getLocalPort(), () -> {
            // Tomcat's stop drops upgraded connections: every client gets 1001 first.
            server.closeAll(CloseCode.GOING_AWAY, "server shutting down", Duration.ofSeconds(2));
            try {
                tomcat.stop();
                tomcat.destroy();
            } catch (Exception e) {
                System.getLogger(TomcatTransport.class.getName()).log(System.Logger.Level.WARNING, "stopping Tomcat", e);
            }
        });
    }

    /** The example's page handler as a servlet. */
    private static final class PageServlet extends HttpServlet {
        private static final long serialVersionUID = 1L;
        private final transient HttpHandler pages;

        PageServlet(HttpHandler pages) {
            this.pages = pages;
        }

        @Override
        protected void doGet(HttpServletRequest request, HttpServletResponse response) throws IOException {
            HttpResponse page = pages.handle(new Transports.PageRequest(request.getMethod(), request.getRequestURI()));
            if (page == null) {
                response.sendError(404);
                return;
            }
            response.setStatus(page.status());
            response.setContentType(page.contentType());
            try (OutputStream out = response.getOutputStream()) {
                out.write(page.body());
            }
        }
    }
}
