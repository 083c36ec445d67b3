package dev.shuttle.websocket;

import java.io.IOException;
import java.net.InetSocketAddress;
import java.net.URI;
import java.time.Duration;
import java.util.AbstractMap;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.TreeMap;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;

import javax.net.ssl.SSLContext;
import javax.net.ssl.SSLParameters;

import dev.shuttle.websocket.internal.client.Connector;
import dev.shuttle.websocket.internal.client.SentRequest;
import dev.shuttle.websocket.internal.deflate.DeflateNegotiation;
import dev.shuttle.websocket.internal.handshake.ClientHandshake;
import dev.shuttle.websocket.internal.session.Connection;

/**
 * A WebSocket client on the same engine as the server: each connection has its own reader
 * virtual thread that runs the callbacks, and {@code write}, {@code ping} and {@code close} may be
 * called from any thread. Frames are masked (RFC 6455 §5.3) with keys fetched in bulk from a
 * {@link java.security.SecureRandom}.
 * <pre>{@code
 * WebSocketClient client = WebSocketClient.builder()
 *     .onData((c, isBinary, data) -> System.out.println(new String(data, UTF_8)))
 *     .header("Authorization", "Bearer " + token)
 *     .build();
 * WebSocket ws = client.connect(URI.create("wss://example.com/chat"));
 * ws.write("hello");
 * ws.close();
 * }</pre>
 * A client is immutable and may open any number of connections, concurrently.
 * <p>
 * Transports: {@code ws://} uses a non-blocking socket channel whose waits park on a shared
 * selector, so an idle connection holds no read buffer; {@code wss://} uses the JDK's
 * {@code SSLSocket} (see the builder's TLS options).
 * <p>
 * Closing follows RFC 6455 §7.1.1: after the close handshake the client waits for the server to
 * close the TCP connection, at most {@link Options#closeTimeout()}, then closes it itself.
 */
public final class WebSocketClient {
    /**
     * Attribute of every client connection: the server's 101 response headers, a
     * {@code Map<String, List<String>>} with case-insensitive names (e.g. {@code Set-Cookie}).
     */
    public static final String RESPONSE_HEADERS = "dev.shuttle.websocket.client.responseHeaders";

    /** 10 s, like {@link Options#handshakeTimeout()}'s default. */
    public static final Duration DEFAULT_CONNECT_TIMEOUT = Duration.ofSeconds(10);

    private final WebSocketHandler handler;
    private final Options options;
    private final Connector.Settings settings;

    private WebSocketClient(Builder b) {
        this.handler = b.builtHandler();
        // The connection's PerMessageDeflate reads level and threshold from its Options.
        this.options = b.builtOptions().toBuilder().compression(b.compression).build();
        this.settings = new Connector.Settings(b.connectTimeout, b.builtOptions().handshakeTimeout(), b.origin,
                List.copyOf(b.subprotocols), extensionOffer(b), List.copyOf(b.headers), b.sslContext,
                b.sslParameters, b.hostnameVerification);
    }

    /** {@return a builder: callbacks, options, headers, TLS} */
    public static Builder builder() {
        return new Builder();
    }

    /**
     * The Sec-WebSocket-Extensions value to offer, or null: the one place that assembles the offer
     * (the raw value for now; permessage-deflate adds its own offer here). The answer is checked in
     * {@code ClientHandshake.negotiateExtensions}.
     */
    private static String extensionOffer(Builder b) {
        String raw = b.extensions == null || b.extensions.isBlank() ? null : b.extensions.trim();
        String deflate = DeflateNegotiation.offer(b.compression); // RFC 7692 §5; null when disabled
        if (deflate == null) {
            return raw;
        }
        return raw == null ? deflate : deflate + ", " + raw;
    }

    /** {@return the options every connection of this client uses} */
    public Options options() {
        return options;
    }

    /**
     * Connects, shakes hands and starts the connection; returns once it is open (onOpen then runs
     * on the connection's reader, possibly while this call returns). Blocks the calling thread
     * for up to the connect timeout plus the handshake timeout; on a virtual thread it only parks.
     *
     * @param uri {@code ws://host[:port][/path][?query]} or {@code wss://…}
     * @throws WebSocketHandshakeException when the server refuses the upgrade or answers wrongly
     *         ({@link WebSocketHandshakeException#status()} and headers tell what it said)
     * @throws java.net.SocketTimeoutException when the connect or the handshake takes too long
     * @throws javax.net.ssl.SSLException when TLS fails, e.g. the certificate does not match the host
     * @throws IOException when the connection cannot be made or breaks
     * @throws IllegalArgumentException when the URI is not a ws:// or wss:// URI with a host
     * @return the open connection
     */
    public WebSocket connect(URI uri) throws IOException {
        Objects.requireNonNull(uri, "uri");
        Connector.Opened opened = Connector.open(uri, settings);
        Map<String, Object> attributes = new ConcurrentHashMap<>();
        Map<String, List<String>> responseHeaders = new TreeMap<>(String.CASE_INSENSITIVE_ORDER);
        responseHeaders.putAll(opened.response().headers());
        attributes.put(RESPONSE_HEADERS, Collections.unmodifiableMap(responseHeaders));
        InetSocketAddress remote = opened.transport().remoteAddress();
        HandshakeRequest request = SentRequest.of(uri, opened.request(), remote);
        Connection c = new Connection(opened.transport(), Connection.Role.CLIENT, options, handler, request,
                opened.accepted().subprotocol(), attributes, null, opened.accepted().deflate());
        c.start();
        return c;
    }

    /**
     * {@link #connect} on a new virtual thread. Cancelling the future does not interrupt the
     * attempt; a connection that opens after the future was completed is closed with 1001.
     *
     * @param uri as for {@link #connect}
     * @return completes with the open connection, or with what {@link #connect} throws
     */
    public CompletableFuture<WebSocket> connectAsync(URI uri) {
        Objects.requireNonNull(uri, "uri");
        CompletableFuture<WebSocket> result = new CompletableFuture<>();
        Thread.ofVirtual().name("shuttle-connect").start(() -> {
            try {
                WebSocket ws = connect(uri);
                if (!result.complete(ws)) {
                    ws.close(CloseCode.GOING_AWAY, "");
                }
            } catch (Throwable e) {
                result.completeExceptionally(e);
            }
        });
        return result;
    }

    /** Builder of {@link WebSocketClient}. Callbacks left unset do nothing (pings are still answered). */
    public static final class Builder extends EndpointBuilder<Builder> {
        private Compression compression = Compression.disabled();
        private Duration connectTimeout = DEFAULT_CONNECT_TIMEOUT;
        private String origin;
        private final List<String> subprotocols = new ArrayList<>();
        private String extensions;
        private final List<Map.Entry<String, String>> headers = new ArrayList<>();
        private SSLContext sslContext;
        private SSLParameters sslParameters;
        private boolean hostnameVerification = true;

        private Builder() {
        }

        @Override
        Builder self() {
            return this;
        }

        /**
         * How long the TCP connect may take (default 10 s; zero leaves it to the operating system).
         *
         * @param timeout not negative
         * @return this builder
         * @throws IllegalArgumentException if negative
         */
        public Builder connectTimeout(Duration timeout) {
            if (timeout.isNegative()) {
                throw new IllegalArgumentException("negative connect timeout: " + timeout);
            }
            this.connectTimeout = timeout;
            return this;
        }

        /**
         * The Origin header to send (browsers always send one; other clients need not). None by default.
         *
         * @param origin e.g. {@code https://example.com}
         * @return this builder
         */
        public Builder origin(String origin) {
            ClientHandshake.checkValue("Origin", origin);
            this.origin = origin;
            return this;
        }

        /**
         * Subprotocols to offer, most preferred first; the server may pick one (or none), never another.
         *
         * @param protocols subprotocol tokens (RFC 6455 §4.1)
         * @return this builder
         * @throws IllegalArgumentException for a value that is not a token
         */
        public Builder subprotocols(String... protocols) {
            for (String p : protocols) {
                ClientHandshake.checkSubprotocol(p);
                subprotocols.add(p);
            }
            return this;
        }

        /**
         * permessage-deflate (RFC 7692): offered when enabled, e.g. {@code Compression.defaults()};
         * default {@link Compression#disabled()} for a client (a server accepts it by default).
         * Level, threshold and low-memory mode apply as documented on {@link Compression}; this
         * replaces {@link Options#compression()} of the {@link #options(Options) options}. An
         * answer we cannot honour (e.g. a window limit on our compressor) fails the handshake.
         *
         * @param compression the permessage-deflate settings
         * @return this builder
         */
        public Builder compression(Compression compression) {
            this.compression = Objects.requireNonNull(compression, "compression");
            return this;
        }

        /**
         * A raw Sec-WebSocket-Extensions offer, e.g. {@code "x-custom; p=1"}. The server's answer
         * may only name offered extensions; the engine does not implement them, so offer only what
         * the connection can live with (an extension that sets RSV bits fails with 1002).
         *
         * @param offer the header value
         * @return this builder
         */
        public Builder extensions(String offer) {
            ClientHandshake.checkValue("Sec-WebSocket-Extensions", offer);
            this.extensions = offer;
            return this;
        }

        /**
         * Adds a request header (repeatable: each call is one header line), e.g. Authorization
         * or Cookie. The fields the handshake owns (Upgrade, Connection, Sec-WebSocket-*) are
         * refused; Host and Origin replace the computed ones.
         *
         * @param name the header's name
         * @param value its value
         * @return this builder
         * @throws IllegalArgumentException for a field the handshake owns, or a name or value that is not valid HTTP
         */
        public Builder header(String name, String value) {
            ClientHandshake.checkCustomHeader(name, value);
            headers.add(new AbstractMap.SimpleImmutableEntry<>(name, value));
            return this;
        }

        /**
         * The TLS context for wss:// (default {@link SSLContext#getDefault()}: the JDK's trust store).
         *
         * @param context the TLS context
         * @return this builder
         */
        public Builder sslContext(SSLContext context) {
            this.sslContext = Objects.requireNonNull(context, "sslContext");
            return this;
        }

        /**
         * TLS parameters for wss:// (protocols, cipher suites, ALPN…), applied to each socket; the
         * object is not modified. Unless the parameters name server names, SNI carries the URI's
         * host name.
         *
         * @param parameters the TLS parameters
         * @return this builder
         */
        public Builder sslParameters(SSLParameters parameters) {
            this.sslParameters = Objects.requireNonNull(parameters, "sslParameters");
            return this;
        }

        /**
         * Whether the server certificate must match the URI's host (RFC 2818 §3.1 rules, the JDK's
         * "HTTPS" endpoint identification). On by default; turning it off accepts any trusted
         * certificate for any host, which only makes sense in tests.
         *
         * @param verify false accepts any trusted certificate for any host
         * @return this builder
         */
        public Builder hostnameVerification(boolean verify) {
            this.hostnameVerification = verify;
            return this;
        }

        /** {@return the client; it may connect any number of times} */
        public WebSocketClient build() {
            return new WebSocketClient(this);
        }
    }
}
