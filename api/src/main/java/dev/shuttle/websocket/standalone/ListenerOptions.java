package dev.shuttle.websocket.standalone;

import java.net.InetSocketAddress;
import java.net.SocketAddress;
import java.net.UnixDomainSocketAddress;
import java.nio.channels.ServerSocketChannel;
import java.nio.file.attribute.PosixFilePermission;
import java.util.EnumSet;
import java.util.Objects;
import java.util.Set;

/**
 * Options of the built-in listener ({@link Listener}); immutable, made by {@link #builder()}.
 * The request-head limit and the handshake timeout are the server's, shared by every transport:
 * {@link dev.shuttle.websocket.Options#maxRequestHeadBytes()} and
 * {@link dev.shuttle.websocket.Options#handshakeTimeout()}.
 * <p>
 * Where to listen is one of three: an address to bind (TCP, or a UNIX domain socket's path), a
 * {@link Builder#channel bound channel} made by the caller, or the channel the process
 * {@link Builder#inheritedChannel() inherited} from a service manager. Options that do not apply
 * to the chosen kind of socket are ignored: the {@code tcp*}, {@code ipv6Only} and
 * {@code reusePort} ones on a UNIX domain socket, the {@code socketFile*} ones on TCP, and every
 * binding option (backlog, reusePort, socket file) on a channel bound by someone else.
 */
public final class ListenerOptions {
    private final SocketAddress address;
    private final ServerSocketChannel channel;
    private final boolean inherited;
    private final int maxConnections;
    private final int backlog;
    private final HttpHandler httpHandler;
    private final boolean tcpNoDelay;
    private final TcpKeepAlive tcpKeepAlive;
    private final boolean reusePort;
    private final boolean ipv6Only;
    private final int receiveBufferSize;
    private final int sendBufferSize;
    private final boolean unlinkExistingSocketFile;
    private final Set<PosixFilePermission> socketFilePermissions;
    private final int socketFileOwner;
    private final int socketFileGroup;

    private ListenerOptions(Builder b) {
        this.address = b.address;
        this.channel = b.channel;
        this.inherited = b.inherited;
        this.maxConnections = b.maxConnections;
        this.backlog = b.backlog;
        this.httpHandler = b.httpHandler;
        this.tcpNoDelay = b.tcpNoDelay;
        this.tcpKeepAlive = b.tcpKeepAlive;
        this.reusePort = b.reusePort;
        this.ipv6Only = b.ipv6Only;
        this.receiveBufferSize = b.receiveBufferSize;
        this.sendBufferSize = b.sendBufferSize;
        this.unlinkExistingSocketFile = b.unlinkExistingSocketFile;
        this.socketFilePermissions = b.socketFilePermissions == null ? null : Set.copyOf(b.socketFilePermissions);
        this.socketFileOwner = b.socketFileOwner;
        this.socketFileGroup = b.socketFileGroup;
    }

    /** {@return a builder with the defaults} */
    public static Builder builder() {
        return new Builder();
    }

    /**
     * The TCP address to listen on: default port 8080 on every interface; port 0 picks a free
     * port (see {@link Listener#address()}). {@code null} when the listener binds a UNIX domain
     * socket ({@link #socketAddress()}) or serves a given or inherited channel.
     *
     * @return the TCP address, or null
     */
    public InetSocketAddress address() {
        return channel == null && !inherited && address instanceof InetSocketAddress inet ? inet : null;
    }

    /** {@return what to bind: an {@link InetSocketAddress} or a {@link UnixDomainSocketAddress}; {@code null} for a given or inherited channel} */
    public SocketAddress socketAddress() {
        return channel == null && !inherited ? address : null;
    }

    /** {@return a bound channel to serve instead of binding one, or {@code null}} */
    public ServerSocketChannel channel() {
        return channel;
    }

    /** {@return whether to serve {@link System#inheritedChannel()}} */
    public boolean inherited() {
        return inherited;
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

    /** {@return TCP_NODELAY on accepted connections; default true (frames go out at once, not held back by Nagle's algorithm behind ACKs)} */
    public boolean tcpNoDelay() {
        return tcpNoDelay;
    }

    /** {@return TCP keepalive on accepted connections, or {@code null} (the default): none} */
    public TcpKeepAlive tcpKeepAlive() {
        return tcpKeepAlive;
    }

    /** {@return SO_REUSEPORT on the listening socket, so that several processes accept on one port; default false} */
    public boolean reusePort() {
        return reusePort;
    }

    /** {@return accept only IPv6 peers on an IPv6 address; default false (see {@link Builder#ipv6Only})} */
    public boolean ipv6Only() {
        return ipv6Only;
    }

    /** {@return SO_RCVBUF of the listening socket and of each accepted one, in bytes; 0 (the default) keeps the system's} */
    public int receiveBufferSize() {
        return receiveBufferSize;
    }

    /** {@return SO_SNDBUF of each accepted socket, in bytes; 0 (the default) keeps the system's} */
    public int sendBufferSize() {
        return sendBufferSize;
    }

    /** {@return whether an existing socket file at the UNIX domain socket's path is removed before binding; default false} */
    public boolean unlinkExistingSocketFile() {
        return unlinkExistingSocketFile;
    }

    /** {@return permissions set on the UNIX domain socket's file after binding, or {@code null} (the default): as the umask made them} */
    public Set<PosixFilePermission> socketFilePermissions() {
        return socketFilePermissions;
    }

    /** {@return numeric uid given to the socket file after binding, or -1 (the default): unchanged} */
    public int socketFileOwner() {
        return socketFileOwner;
    }

    /** {@return numeric gid given to the socket file after binding, or -1 (the default): unchanged} */
    public int socketFileGroup() {
        return socketFileGroup;
    }

    /** Builder of {@link ListenerOptions}. */
    public static final class Builder {
        private SocketAddress address = new InetSocketAddress(8080);
        private ServerSocketChannel channel;
        private boolean inherited;
        private int maxConnections = 100_000;
        private int backlog = 1024;
        private HttpHandler httpHandler;
        private boolean tcpNoDelay = true;
        private TcpKeepAlive tcpKeepAlive;
        private boolean reusePort;
        private boolean ipv6Only;
        private int receiveBufferSize;
        private int sendBufferSize;
        private boolean unlinkExistingSocketFile;
        private Set<PosixFilePermission> socketFilePermissions;
        private int socketFileOwner = -1;
        private int socketFileGroup = -1;

        private Builder() {
        }

        /**
         * A TCP address to bind (clears {@link #channel} and {@link #inheritedChannel()}).
         *
         * @param address the value to set
         * @return the TCP address, or null
         */
        public Builder address(InetSocketAddress address) {
            return address((SocketAddress) address);
        }

        /**
         * An address to bind: an {@link InetSocketAddress}, or a {@link UnixDomainSocketAddress}
         * for a UNIX domain socket at that path. The JDK supports path names only, not Linux's
         * abstract names ({@code UnixDomainSocketAddress.of("\0name")} is refused); see
         * {@link #unlinkExistingSocketFile} for a socket file left by a previous run, which the
         * listener does not remove when it closes.
         *
         * @param address the value to set
         * @return the TCP address, or null
         */
        public Builder address(SocketAddress address) {
            Objects.requireNonNull(address, "address");
            if (!(address instanceof InetSocketAddress) && !(address instanceof UnixDomainSocketAddress)) {
                throw new IllegalArgumentException("neither an InetSocketAddress nor a UnixDomainSocketAddress: " + address);
            }
            this.address = address;
            this.channel = null;
            this.inherited = false;
            return this;
        }

        /**
         * Serve an already bound (and listening) channel, TCP or UNIX domain, made by the caller;
         * the listener owns it from then on and closes it in {@link Listener#close()}.
         *
         * @param channel the value to set
         * @return this builder
         */
        public Builder channel(ServerSocketChannel channel) {
            this.channel = Objects.requireNonNull(channel, "channel");
            this.inherited = false;
            return this;
        }

        /**
         * Serve the listening socket this process inherited as its standard input
         * ({@link System#inheritedChannel()}): inetd's {@code wait} mode, or systemd with
         * {@code StandardInput=socket} in the service and one socket in the socket unit
         * ({@code Accept=no}). systemd's default hands sockets over from descriptor 3
         * ({@code LISTEN_FDS}), which the JDK cannot open; start Java with {@code 0<&3}
         * (e.g. {@code ExecStart=/bin/sh -c 'exec java ... 0<&3'}) to move it to standard input.
         * {@link Listener#start} fails with a clear message when there is no such socket.
         *
         * @return this builder
         */
        public Builder inheritedChannel() {
            this.inherited = true;
            this.channel = null;
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

        /**
         * See {@link ListenerOptions#tcpNoDelay()}.
         *
         * @param noDelay whether to set TCP_NODELAY on accepted connections
         * @return this builder
         */
        public Builder tcpNoDelay(boolean noDelay) {
            this.tcpNoDelay = noDelay;
            return this;
        }

        /**
         * Keepalive probes on accepted TCP connections ({@link TcpKeepAlive#SYSTEM_DEFAULTS} for the system's timings), or {@code null} for none.
         *
         * @param keepAlive the value to set
         * @return this builder
         */
        public Builder tcpKeepAlive(TcpKeepAlive keepAlive) {
            this.tcpKeepAlive = keepAlive;
            return this;
        }

        /**
         * SO_REUSEPORT: on Linux the kernel spreads connections over every process that bound the port with it.
         *
         * @param reuse the value to set
         * @return this builder
         */
        public Builder reusePort(boolean reuse) {
            this.reusePort = reuse;
            return this;
        }

        /**
         * Serve IPv6 peers only on an IPv6 address (wsbroad's {@code --tcp-only-v6}). The JDK has
         * no IPV6_V6ONLY socket option, so the socket still takes IPv4 connections on a wildcard
         * address ({@code [::]}) and holds the IPv4 port; the listener resets each IPv4 peer as
         * soon as it is accepted, before reading a byte. To leave the IPv4 port to another
         * program, let the service manager create a v6-only socket (systemd's
         * {@code BindIPv6Only=ipv6-only}) and use {@link #inheritedChannel()}. Listening on an
         * IPv4 address with this set is refused at start.
         *
         * @param only the value to set
         * @return this builder
         */
        public Builder ipv6Only(boolean only) {
            this.ipv6Only = only;
            return this;
        }

        /**
         * SO_RCVBUF in bytes (the kernel may round it; Linux doubles it for its bookkeeping); 0 for the system's.
         *
         * @param bytes the value to set
         * @return this builder
         */
        public Builder receiveBufferSize(int bytes) {
            this.receiveBufferSize = nonNegative(bytes, "receiveBufferSize");
            return this;
        }

        /**
         * SO_SNDBUF in bytes; 0 for the system's. With {@link dev.shuttle.websocket.Options#maxQueuedBytes()} it bounds what waits for a slow reader.
         *
         * @param bytes the value to set
         * @return this builder
         */
        public Builder sendBufferSize(int bytes) {
            this.sendBufferSize = nonNegative(bytes, "sendBufferSize");
            return this;
        }

        /**
         * Remove what is at the UNIX domain socket's path before binding, if it is a socket (a
         * stale one from a previous run); anything else there (a regular file, a directory) is
         * never removed and the start fails.
         *
         * @param unlink the value to set
         * @return this builder
         */
        public Builder unlinkExistingSocketFile(boolean unlink) {
            this.unlinkExistingSocketFile = unlink;
            return this;
        }

        /**
         * Permissions of the socket file once bound; connecting needs write permission on it.
         * Between bind and this change the file has the permissions the umask gives it.
         *
         * @param permissions the value to set
         * @return the TCP address, or null
         */
        public Builder socketFilePermissions(Set<PosixFilePermission> permissions) {
            if (permissions == null) {
                this.socketFilePermissions = null;
            } else {
                this.socketFilePermissions = EnumSet.noneOf(PosixFilePermission.class);
                this.socketFilePermissions.addAll(permissions);
            }
            return this;
        }

        /**
         * Numeric uid for the socket file once bound (changing it needs the privilege to chown); -1 leaves it.
         *
         * @param uid the value to set
         * @return this builder
         */
        public Builder socketFileOwner(int uid) {
            this.socketFileOwner = uid;
            return this;
        }

        /**
         * Numeric gid for the socket file once bound (a group of yours, or any with the privilege); -1 leaves it.
         *
         * @param gid the value to set
         * @return this builder
         */
        public Builder socketFileGroup(int gid) {
            this.socketFileGroup = gid;
            return this;
        }

        /** {@return the options} */
        public ListenerOptions build() {
            return new ListenerOptions(this);
        }

        private static int nonNegative(int n, String what) {
            if (n < 0) {
                throw new IllegalArgumentException(what + " must not be negative: " + n);
            }
            return n;
        }
    }
}
