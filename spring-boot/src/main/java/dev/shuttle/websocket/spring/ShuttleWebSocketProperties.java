package dev.shuttle.websocket.spring;

import java.time.Duration;

import dev.shuttle.websocket.Compression;
import dev.shuttle.websocket.Options;
import dev.shuttle.websocket.OverflowPolicy;
import org.springframework.boot.context.properties.ConfigurationProperties;
import org.springframework.util.unit.DataSize;

/**
 * {@code shuttle.websocket.*}: where the {@code WebSocketServer} bean is served, and the
 * {@link Options} the auto-configured {@code Options} bean carries. A property left unset keeps
 * Shuttle's default (see {@link Options}).
 * <pre>
 * shuttle.websocket.path=/ws
 * shuttle.websocket.max-message-size=64KB
 * shuttle.websocket.ping-interval=20s
 * </pre>
 */
@ConfigurationProperties("shuttle.websocket")
public class ShuttleWebSocketProperties {
    /** Everything at its default. */
    public ShuttleWebSocketProperties() {
    }

    /** The servlet path the WebSocket is served at (exact; add "/*" for a prefix). */
    private String path = "/ws";
    /** How long graceful shutdown waits for clients to answer the 1001 close. */
    private Duration shutdownTimeout = Duration.ofSeconds(5);
    /** Bound request heads on Boot's Tomcat with TomcatWebSocket's connector settings. */
    private boolean tomcatHeadGuard = true;
    /** Bound request heads on Boot's Jetty with JettyWebSocket.guardRequestHeads. */
    private boolean jettyHeadGuard = true;

    private DataSize maxFramePayload;
    private DataSize maxMessageSize;
    private DataSize maxQueuedBytes;
    private OverflowPolicy overflowPolicy;
    private Duration blockTimeout;
    private Duration closeTimeout;
    private Duration pingInterval;
    private Duration pongTimeout;
    private Duration idleTimeout;
    private Duration handshakeTimeout;
    private Duration writeStallTimeout;
    private DataSize maxRequestHeadBytes;
    private Boolean acceptUnmaskedFrames;
    /** permessage-deflate: true (Shuttle's server default) offers to accept it, false declines. */
    private Boolean compression;

    /**
     * Shuttle's defaults with every property that is set applied.
     *
     * @return the options
     */
    public Options toOptions() {
        Options.Builder b = Options.defaults().toBuilder();
        if (maxFramePayload != null) {
            b.maxFramePayload(maxFramePayload.toBytes());
        }
        if (maxMessageSize != null) {
            b.maxMessageSize(maxMessageSize.toBytes());
        }
        if (maxQueuedBytes != null) {
            b.maxQueuedBytes(maxQueuedBytes.toBytes());
        }
        if (overflowPolicy != null) {
            b.overflowPolicy(overflowPolicy);
        }
        if (blockTimeout != null) {
            b.blockTimeout(blockTimeout);
        }
        if (closeTimeout != null) {
            b.closeTimeout(closeTimeout);
        }
        if (pingInterval != null) {
            b.pingInterval(pingInterval);
        }
        if (pongTimeout != null) {
            b.pongTimeout(pongTimeout);
        }
        if (idleTimeout != null) {
            b.idleTimeout(idleTimeout);
        }
        if (handshakeTimeout != null) {
            b.handshakeTimeout(handshakeTimeout);
        }
        if (writeStallTimeout != null) {
            b.writeStallTimeout(writeStallTimeout);
        }
        if (maxRequestHeadBytes != null) {
            b.maxRequestHeadBytes(Math.toIntExact(maxRequestHeadBytes.toBytes()));
        }
        if (acceptUnmaskedFrames != null) {
            b.acceptUnmaskedFrames(acceptUnmaskedFrames);
        }
        if (compression != null && !compression) {
            b.compression(Compression.disabled());
        }
        return b.build();
    }

    /** {@return the servlet path} */
    public String getPath() {
        return path;
    }

    /**
     * Sets the property; null restores the default.
     *
     * @param path the servlet path
     */
    public void setPath(String path) {
        this.path = path;
    }

    /** {@return the graceful shutdown wait} */
    public Duration getShutdownTimeout() {
        return shutdownTimeout;
    }

    /**
     * Sets the property; null restores the default.
     *
     * @param shutdownTimeout the graceful shutdown wait
     */
    public void setShutdownTimeout(Duration shutdownTimeout) {
        this.shutdownTimeout = shutdownTimeout;
    }

    /** {@return whether Boot's Tomcat gets the head guard} */
    public boolean isTomcatHeadGuard() {
        return tomcatHeadGuard;
    }

    /**
     * Sets the property; null restores the default.
     *
     * @param tomcatHeadGuard whether Boot's Tomcat gets the head guard
     */
    public void setTomcatHeadGuard(boolean tomcatHeadGuard) {
        this.tomcatHeadGuard = tomcatHeadGuard;
    }

    /** {@return whether Boot's Jetty gets the head guard} */
    public boolean isJettyHeadGuard() {
        return jettyHeadGuard;
    }

    /**
     * Sets the property.
     *
     * @param jettyHeadGuard whether Boot's Jetty gets the head guard
     */
    public void setJettyHeadGuard(boolean jettyHeadGuard) {
        this.jettyHeadGuard = jettyHeadGuard;
    }

    /** {@return {@link Options#maxFramePayload()}, or null for the default} */
    public DataSize getMaxFramePayload() {
        return maxFramePayload;
    }

    /**
     * Sets the property; null restores the default.
     *
     * @param v {@link Options#maxFramePayload()}
     */
    public void setMaxFramePayload(DataSize v) {
        this.maxFramePayload = v;
    }

    /** {@return {@link Options#maxMessageSize()}, or null for the default} */
    public DataSize getMaxMessageSize() {
        return maxMessageSize;
    }

    /**
     * Sets the property; null restores the default.
     *
     * @param v {@link Options#maxMessageSize()}
     */
    public void setMaxMessageSize(DataSize v) {
        this.maxMessageSize = v;
    }

    /** {@return {@link Options#maxQueuedBytes()}, or null for the default} */
    public DataSize getMaxQueuedBytes() {
        return maxQueuedBytes;
    }

    /**
     * Sets the property; null restores the default.
     *
     * @param v {@link Options#maxQueuedBytes()}
     */
    public void setMaxQueuedBytes(DataSize v) {
        this.maxQueuedBytes = v;
    }

    /** {@return {@link Options#overflowPolicy()}, or null for the default} */
    public OverflowPolicy getOverflowPolicy() {
        return overflowPolicy;
    }

    /**
     * Sets the property; null restores the default.
     *
     * @param v {@link Options#overflowPolicy()}
     */
    public void setOverflowPolicy(OverflowPolicy v) {
        this.overflowPolicy = v;
    }

    /** {@return {@link Options#blockTimeout()}, or null for the default} */
    public Duration getBlockTimeout() {
        return blockTimeout;
    }

    /**
     * Sets the property; null restores the default.
     *
     * @param v {@link Options#blockTimeout()}
     */
    public void setBlockTimeout(Duration v) {
        this.blockTimeout = v;
    }

    /** {@return {@link Options#closeTimeout()}, or null for the default} */
    public Duration getCloseTimeout() {
        return closeTimeout;
    }

    /**
     * Sets the property; null restores the default.
     *
     * @param v {@link Options#closeTimeout()}
     */
    public void setCloseTimeout(Duration v) {
        this.closeTimeout = v;
    }

    /** {@return {@link Options#pingInterval()}, or null for the default} */
    public Duration getPingInterval() {
        return pingInterval;
    }

    /**
     * Sets the property; null restores the default.
     *
     * @param v {@link Options#pingInterval()}
     */
    public void setPingInterval(Duration v) {
        this.pingInterval = v;
    }

    /** {@return {@link Options#pongTimeout()}, or null for the default} */
    public Duration getPongTimeout() {
        return pongTimeout;
    }

    /**
     * Sets the property; null restores the default.
     *
     * @param v {@link Options#pongTimeout()}
     */
    public void setPongTimeout(Duration v) {
        this.pongTimeout = v;
    }

    /** {@return {@link Options#idleTimeout()}, or null for the default} */
    public Duration getIdleTimeout() {
        return idleTimeout;
    }

    /**
     * Sets the property; null restores the default.
     *
     * @param v {@link Options#idleTimeout()}
     */
    public void setIdleTimeout(Duration v) {
        this.idleTimeout = v;
    }

    /** {@return {@link Options#handshakeTimeout()}, or null for the default} */
    public Duration getHandshakeTimeout() {
        return handshakeTimeout;
    }

    /**
     * Sets the property; null restores the default.
     *
     * @param v {@link Options#handshakeTimeout()}
     */
    public void setHandshakeTimeout(Duration v) {
        this.handshakeTimeout = v;
    }

    /** {@return {@link Options#writeStallTimeout()}, or null for the default} */
    public Duration getWriteStallTimeout() {
        return writeStallTimeout;
    }

    /**
     * Sets the property; null restores the default.
     *
     * @param v {@link Options#writeStallTimeout()}
     */
    public void setWriteStallTimeout(Duration v) {
        this.writeStallTimeout = v;
    }

    /** {@return {@link Options#maxRequestHeadBytes()}, or null for the default} */
    public DataSize getMaxRequestHeadBytes() {
        return maxRequestHeadBytes;
    }

    /**
     * Sets the property; null restores the default.
     *
     * @param v {@link Options#maxRequestHeadBytes()}
     */
    public void setMaxRequestHeadBytes(DataSize v) {
        this.maxRequestHeadBytes = v;
    }

    /** {@return {@link Options#acceptUnmaskedFrames()}, or null for the default} */
    public Boolean getAcceptUnmaskedFrames() {
        return acceptUnmaskedFrames;
    }

    /**
     * Sets the property; null restores the default.
     *
     * @param v {@link Options#acceptUnmaskedFrames()}
     */
    public void setAcceptUnmaskedFrames(Boolean v) {
        this.acceptUnmaskedFrames = v;
    }

    /** {@return whether permessage-deflate is accepted, or null for the default (on)} */
    public Boolean getCompression() {
        return compression;
    }

    /**
     * Sets the property; null restores the default.
     *
     * @param v false declines permessage-deflate
     */
    public void setCompression(Boolean v) {
        this.compression = v;
    }
}
