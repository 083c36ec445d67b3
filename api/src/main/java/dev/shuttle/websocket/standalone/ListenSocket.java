package dev.shuttle.websocket.standalone;

import java.io.IOException;
import java.net.BindException;
import java.net.Inet4Address;
import java.net.Inet6Address;
import java.net.InetSocketAddress;
import java.net.SocketAddress;
import java.net.SocketOption;
import java.net.StandardProtocolFamily;
import java.net.StandardSocketOptions;
import java.net.UnixDomainSocketAddress;
import java.nio.channels.Channel;
import java.nio.channels.ServerSocketChannel;
import java.nio.channels.SocketChannel;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.nio.file.attribute.BasicFileAttributes;

import jdk.net.ExtendedSocketOptions;

/**
 * The listening socket of a {@link Listener} and the socket options of {@link ListenerOptions}:
 * how it is bound (TCP, a UNIX domain socket's file, or a channel given or inherited), and how
 * each accepted connection is set up. Everything here runs on the thread that starts the
 * listener or on its accept thread.
 */
final class ListenSocket {
    /** The file type bits of {@code st_mode} and the value for a socket (POSIX {@code S_IFMT}, {@code S_IFSOCK}). */
    private static final int S_IFMT = 0170000;
    private static final int S_IFSOCK = 0140000;

    private final ServerSocketChannel channel;
    private final ListenerOptions options;
    private final SocketAddress localAddress;
    /** TCP rather than a UNIX domain socket: the TCP options apply to accepted connections. */
    private final boolean tcp;

    private ListenSocket(ServerSocketChannel channel, ListenerOptions options) throws IOException {
        this.channel = channel;
        this.options = options;
        this.localAddress = channel.getLocalAddress();
        this.tcp = localAddress instanceof InetSocketAddress;
    }

    /** Binds (or takes the given or inherited channel) as the options say; on failure nothing stays open or created. */
    static ListenSocket open(ListenerOptions options) throws IOException {
        ServerSocketChannel channel;
        if (options.channel() != null) {
            channel = options.channel();
        } else if (options.inherited()) {
            channel = inherited();
        } else if (options.socketAddress() instanceof UnixDomainSocketAddress unix) {
            channel = bindUnix(unix, options);
        } else {
            channel = bindTcp((InetSocketAddress) options.socketAddress(), options);
        }
        try {
            if (!channel.isOpen()) {
                throw new IOException("the channel to listen on is closed");
            }
            if (channel.getLocalAddress() == null) {
                throw new IOException("the channel to listen on is not bound");
            }
            // The acceptor is a platform thread blocked in accept(); a given channel may be non-blocking.
            channel.configureBlocking(true);
            ListenSocket socket = new ListenSocket(channel, options);
            socket.checkOptions();
            return socket;
        } catch (IOException | RuntimeException e) {
            channel.close();
            throw e;
        }
    }

    ServerSocketChannel channel() {
        return channel;
    }

    /** The bound address: an {@code InetSocketAddress} (with the real port) or a {@code UnixDomainSocketAddress}. */
    SocketAddress localAddress() {
        return localAddress;
    }

    /** A short name for thread names and logs: the port, or the socket file's name. */
    String label() {
        if (localAddress instanceof InetSocketAddress inet) {
            return Integer.toString(inet.getPort());
        }
        Path name = ((UnixDomainSocketAddress) localAddress).getPath().getFileName();
        return name == null ? "unix" : name.toString();
    }

    /**
     * Whether an accepted connection may be served: with {@link ListenerOptions#ipv6Only()} an
     * IPv4 peer (the JDK reports a v4-mapped peer as an {@code Inet4Address}) is not.
     */
    boolean admits(SocketChannel accepted) throws IOException {
        return !(tcp && options.ipv6Only()
                && accepted.getRemoteAddress() instanceof InetSocketAddress peer && peer.getAddress() instanceof Inet4Address);
    }

    /** Closes a connection that is not admitted with a reset, as a refused connection would get. */
    static void reset(SocketChannel accepted) throws IOException {
        try {
            accepted.setOption(StandardSocketOptions.SO_LINGER, 0);
        } finally {
            accepted.close();
        }
    }

    /** Non-blocking, and the per-connection options. */
    void configure(SocketChannel accepted) throws IOException {
        accepted.configureBlocking(false);
        if (tcp) {
            accepted.setOption(StandardSocketOptions.TCP_NODELAY, options.tcpNoDelay());
            TcpKeepAlive keepAlive = options.tcpKeepAlive();
            if (keepAlive != null) {
                accepted.setOption(StandardSocketOptions.SO_KEEPALIVE, true);
                if (keepAlive.idle() != null) {
                    accepted.setOption(ExtendedSocketOptions.TCP_KEEPIDLE, TcpKeepAlive.seconds(keepAlive.idle()));
                }
                if (keepAlive.interval() != null) {
                    accepted.setOption(ExtendedSocketOptions.TCP_KEEPINTERVAL, TcpKeepAlive.seconds(keepAlive.interval()));
                }
                if (keepAlive.count() > 0) {
                    accepted.setOption(ExtendedSocketOptions.TCP_KEEPCOUNT, keepAlive.count());
                }
            }
        }
        if (options.receiveBufferSize() > 0) {
            accepted.setOption(StandardSocketOptions.SO_RCVBUF, options.receiveBufferSize());
        }
        if (options.sendBufferSize() > 0) {
            accepted.setOption(StandardSocketOptions.SO_SNDBUF, options.sendBufferSize());
        }
    }

    /** Fails at start, not on the first accept, for options this socket or system cannot honour. */
    private void checkOptions() {
        if (!tcp) {
            return;
        }
        if (options.ipv6Only() && !(((InetSocketAddress) localAddress).getAddress() instanceof Inet6Address)) {
            throw new IllegalArgumentException("ipv6Only needs an IPv6 address to listen on, not " + localAddress);
        }
        TcpKeepAlive keepAlive = options.tcpKeepAlive();
        if (keepAlive != null) {
            // Accepted sockets support what the listening socket does (the JDK lists the same options).
            requireSupported(ExtendedSocketOptions.TCP_KEEPIDLE, keepAlive.idle() != null);
            requireSupported(ExtendedSocketOptions.TCP_KEEPINTERVAL, keepAlive.interval() != null);
            requireSupported(ExtendedSocketOptions.TCP_KEEPCOUNT, keepAlive.count() > 0);
        }
    }

    private void requireSupported(SocketOption<?> option, boolean wanted) {
        if (wanted && !channel.supportedOptions().contains(option)) {
            throw new UnsupportedOperationException(option.name() + " is not supported on this system");
        }
    }

    private static ServerSocketChannel inherited() throws IOException {
        Channel c = System.inheritedChannel();
        if (c == null) {
            throw new IOException(System.getenv("LISTEN_FDS") != null
                    ? "no listening socket on standard input (System.inheritedChannel() is null); LISTEN_FDS is set,"
                            + " so the service manager passed its socket as descriptor 3, which the JDK cannot open:"
                            + " start Java with 0<&3 (e.g. ExecStart=/bin/sh -c 'exec java ... 0<&3') or set StandardInput=socket"
                    : "no listening socket on standard input (System.inheritedChannel() is null): start under a service"
                            + " manager that passes one (systemd: StandardInput=socket with Accept=no; inetd: wait)");
        }
        if (c instanceof SocketChannel) {
            c.close();
            throw new IOException("the inherited socket is a connection, not a listening socket"
                    + " (inetd nowait or systemd Accept=yes); pass a listening socket (Accept=no)");
        }
        if (!(c instanceof ServerSocketChannel server)) {
            throw new IOException("the inherited channel is not a stream socket: " + c);
        }
        return server;
    }

    private static ServerSocketChannel bindTcp(InetSocketAddress address, ListenerOptions options) throws IOException {
        ServerSocketChannel channel = ServerSocketChannel.open();
        try {
            // A restarted server must be able to bind again while old connections sit in TIME_WAIT.
            channel.setOption(StandardSocketOptions.SO_REUSEADDR, true);
            if (options.reusePort()) {
                if (!channel.supportedOptions().contains(StandardSocketOptions.SO_REUSEPORT)) {
                    throw new UnsupportedOperationException("SO_REUSEPORT is not supported on this system");
                }
                channel.setOption(StandardSocketOptions.SO_REUSEPORT, true);
            }
            // Before listen(): accepted sockets inherit it, and a window above 64 KiB is only negotiated then.
            if (options.receiveBufferSize() > 0) {
                channel.setOption(StandardSocketOptions.SO_RCVBUF, options.receiveBufferSize());
            }
            channel.bind(address, options.backlog());
            return channel;
        } catch (IOException | RuntimeException e) {
            channel.close();
            throw e;
        }
    }

    private static ServerSocketChannel bindUnix(UnixDomainSocketAddress address, ListenerOptions options) throws IOException {
        Path path = address.getPath();
        if (options.unlinkExistingSocketFile()) {
            unlinkStaleSocket(path);
        }
        ServerSocketChannel channel = ServerSocketChannel.open(StandardProtocolFamily.UNIX);
        boolean bound = false;
        try {
            if (options.receiveBufferSize() > 0) {
                channel.setOption(StandardSocketOptions.SO_RCVBUF, options.receiveBufferSize());
            }
            try {
                channel.bind(address, options.backlog());
            } catch (BindException e) {
                if (Files.exists(path, LinkOption.NOFOLLOW_LINKS)) {
                    BindException clear = new BindException(path + " already exists (a socket left by an earlier run?"
                            + " ListenerOptions.Builder.unlinkExistingSocketFile removes a stale one)");
                    clear.initCause(e);
                    throw clear;
                }
                throw e;
            }
            bound = true;
            // If the path was swapped for a link since bind, change nothing it points to: chown
            // takes NOFOLLOW_LINKS; chmod cannot (the JDK would open the file, which fails on a
            // socket), so the file is checked to be no link first.
            if (options.socketFilePermissions() != null) {
                if (Files.isSymbolicLink(path)) {
                    throw new IOException(path + " was replaced by a symbolic link after binding");
                }
                Files.setPosixFilePermissions(path, options.socketFilePermissions());
            }
            if (options.socketFileOwner() >= 0) {
                Files.setAttribute(path, "unix:uid", options.socketFileOwner(), LinkOption.NOFOLLOW_LINKS);
            }
            if (options.socketFileGroup() >= 0) {
                Files.setAttribute(path, "unix:gid", options.socketFileGroup(), LinkOption.NOFOLLOW_LINKS);
            }
            return channel;
        } catch (IOException | RuntimeException e) {
            channel.close();
            if (bound) {
                Files.deleteIfExists(path); // ours: a socket we could not set up as asked must not linger
            }
            throw e;
        }
    }

    /** Removes a socket file at {@code path}; anything else there is left alone and reported. */
    private static void unlinkStaleSocket(Path path) throws IOException {
        BasicFileAttributes attributes;
        try {
            attributes = Files.readAttributes(path, BasicFileAttributes.class, LinkOption.NOFOLLOW_LINKS);
        } catch (NoSuchFileException e) {
            return;
        }
        if (!attributes.isOther() || !isSocket(path)) {
            throw new IOException(path + " exists and is not a socket: not removing it");
        }
        Files.deleteIfExists(path);
    }

    private static boolean isSocket(Path path) throws IOException {
        try {
            int mode = (Integer) Files.getAttribute(path, "unix:mode", LinkOption.NOFOLLOW_LINKS);
            return (mode & S_IFMT) == S_IFSOCK;
        } catch (UnsupportedOperationException e) {
            return true; // no "unix" view (Windows): "other" is the best we know, and there a socket is one
        }
    }
}
