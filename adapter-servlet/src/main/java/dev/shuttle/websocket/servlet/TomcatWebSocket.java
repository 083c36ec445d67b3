package dev.shuttle.websocket.servlet;

import java.time.Duration;
import java.util.Objects;

import dev.shuttle.websocket.Options;
import org.apache.catalina.connector.Connector;

/**
 * Tomcat 11 settings for a connector that serves Shuttle through {@link WebSocketServlet} or
 * {@link WebSocketFilter}. Tomcat parses the request head before Shuttle sees the request, so
 * only Tomcat can cut off a peer that drips its head a byte at a time or sends a huge one:
 * <pre>{@code
 * Tomcat tomcat = new Tomcat();
 * Connector connector = TomcatWebSocket.connector(ws.options());   // HTTP/1.1 on NIO, heads bounded
 * connector.setPort(8080);
 * tomcat.setConnector(connector);
 * }</pre>
 * Needs {@code org.apache.tomcat.embed:tomcat-embed-core} 11 (the application's own; this class
 * is only loaded when called).
 */
public final class TomcatWebSocket {
    private TomcatWebSocket() {
    }

    /**
     * A new HTTP/1.1 NIO connector ({@link HeadGuardProtocol}) with
     * {@link #guardRequestHeads(Connector, Options)} applied.
     *
     * @param options the server's options: {@code maxRequestHeadBytes} and {@code handshakeTimeout}
     * @return the connector, not yet added to a server; set its port and address as usual
     */
    public static Connector connector(Options options) {
        Connector connector = new Connector(HeadGuardProtocol.class.getName());
        guardRequestHeads(connector, options);
        return connector;
    }

    /**
     * Bounds the request heads a connector accepts, from the server's options: Tomcat's
     * {@code maxHttpHeaderSize} = {@code maxRequestHeadBytes} (Tomcat answers 400 beyond and
     * closes), {@code connectionTimeout} = {@code handshakeTimeout} (a connection silent that long
     * while Tomcat waits for a request is closed; after the upgrade it no longer applies), and,
     * on a {@link HeadGuardProtocol} connector, a deadline of {@code handshakeTimeout} from the
     * connection's opening to its first complete request head (a dripping peer resets Tomcat's
     * own timeout with every byte).
     *
     * @param connector a connector made by {@link #connector(Options)} or with
     *        {@code new Connector(HeadGuardProtocol.class.getName())}
     * @param options the server's options
     * @return the connector
     * @throws IllegalArgumentException when the connector's protocol is not a {@link HeadGuardProtocol}:
     *         without it a dripping peer would not be cut off
     */
    public static Connector guardRequestHeads(Connector connector, Options options) {
        return guardRequestHeads(connector, options.maxRequestHeadBytes(), options.handshakeTimeout());
    }

    /**
     * {@link #guardRequestHeads(Connector, Options)} with explicit values.
     *
     * @param connector a connector whose protocol is a {@link HeadGuardProtocol}
     * @param maxRequestHeadBytes the largest request head Tomcat accepts
     * @param headTimeout the silence and first-head deadline; positive
     * @return the connector
     * @throws IllegalArgumentException when the protocol is not a {@link HeadGuardProtocol}
     */
    public static Connector guardRequestHeads(Connector connector, int maxRequestHeadBytes, Duration headTimeout) {
        Objects.requireNonNull(connector, "connector");
        if (!(connector.getProtocolHandler() instanceof HeadGuardProtocol guard)) {
            throw new IllegalArgumentException("the connector's protocol is " + connector.getProtocolHandlerClassName()
                    + ": make it with TomcatWebSocket.connector(options) or new Connector(HeadGuardProtocol.class.getName())");
        }
        int millis = (int) Math.min(Integer.MAX_VALUE, Math.max(1, headTimeout.toMillis()));
        connector.setProperty("maxHttpHeaderSize", Integer.toString(maxRequestHeadBytes));
        connector.setProperty("connectionTimeout", Integer.toString(millis));
        guard.setFirstHeadTimeout(millis);
        return connector;
    }
}
