package dev.shuttle.websocket.standalone;

import java.net.InetSocketAddress;
import java.util.Objects;

/**
 * Options of the built-in listener ({@link Listener}); immutable, made by {@link #builder()}.
 * The request-head limit and the handshake timeout are the server's, shared by every transport:
 * {@link dev.shuttle.websocket.Options#maxRequestHeadBytes()} and
 * {@link dev.shuttle.websocket.Options#handshakeTimeout()}.
 */
public final class ListenerOptions {
    private final InetSocketAddress address;
    private final int maxConnections;
    private final int backlog;
    private final HttpHandler httpHandler;

    private ListenerOptions(Builder b) {
        this.address = b.address;
        this.maxConnections = b.maxConnections;
        this.backlog = b.backlog;
        this.httpHandler = b.httpHandler;
    }

    /** {@return a builder with the defaults} */
    public static Builder builder() {
        return new Builder();
    }

    /** {@return where to listen; default port 8080 on every interface; port 0 picks a free port (see {@link Listener#address()})} */
    public InetSocketAddress address() {
        return address;
    }

    /** {@return connections (upgraded or still in their handshake) beyond this are refused with 503; default 100,000} */
    public int maxConnections() {
        return maxConnections;
    }

    /** {@return listen backlog (pending connections the OS queues before accept); 0 or less for the OS default; default 1024} */
    public int backlog() {
        return backlog;
    }

    /**
     * Handler for plain HTTP GET and HEAD requests (those without {@code Upgrade: websocket}), or
     * {@code null}, the default: then they get 404. Other methods get 405 either way.
     *
     * @return the handler, or null
     */
    public HttpHandler httpHandler() {
        return httpHandler;
    }

    /** Builder of {@link ListenerOptions}. */
    public static final class Builder {
        private InetSocketAddress address = new InetSocketAddress(8080);
        private int maxConnections = 100_000;
        private int backlog = 1024;
        private HttpHandler httpHandler;

        private Builder() {
        }

        /**
         * See {@link ListenerOptions#address()}.
         *
         * @param address where to listen
         * @return this builder
         */
        public Builder address(InetSocketAddress address) {
            this.address = Objects.requireNonNull(address, "address");
            return this;
        }

        /**
         * See {@link ListenerOptions#maxConnections()}.
         *
         * @param n positive
         * @return this builder
         * @throws IllegalArgumentException if not positive
         */
        public Builder maxConnections(int n) {
            if (n <= 0) {
                throw new IllegalArgumentException("maxConnections must be positive: " + n);
            }
            this.maxConnections = n;
            return this;
        }

        /**
         * See {@link ListenerOptions#backlog()}.
         *
         * @param n the backlog; 0 or less for the OS default
         * @return this builder
         */
        public Builder backlog(int n) {
            this.backlog = n;
            return this;
        }

        /**
         * See {@link ListenerOptions#httpHandler()}.
         *
         * @param handler answers plain GET requests
         * @return this builder
         */
        public Builder httpHandler(HttpHandler handler) {
            this.httpHandler = handler;
            return this;
        }

        /** {@return the options} */
        public ListenerOptions build() {
            return new ListenerOptions(this);
        }
    }
}
