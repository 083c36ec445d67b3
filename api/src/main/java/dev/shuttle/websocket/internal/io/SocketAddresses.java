package dev.shuttle.websocket.internal.io;

import java.net.InetSocketAddress;
import java.net.SocketAddress;

/**
 * The {@link InetSocketAddress} view of any socket address, for the API's
 * {@code remoteAddress()}/{@code localAddress()}, which predate UNIX domain sockets.
 */
public final class SocketAddresses {
    /**
     * What a UNIX-domain peer (or our end of one) reports as its {@code InetSocketAddress}: it has
     * no IP address, so an unresolved one, host {@code "unix"}, port 0 ({@code getAddress()} is
     * {@code null}). Never {@code null}, so maps keyed by address and log lines keep working; the
     * real address is {@code remoteSocketAddress()}.
     */
    public static final InetSocketAddress UNIX = InetSocketAddress.createUnresolved("unix", 0);

    private SocketAddresses() {
    }

    /** The address itself when it is an {@code InetSocketAddress}, {@link #UNIX} for anything else (or {@code null}). */
    public static InetSocketAddress inet(SocketAddress address) {
        return address instanceof InetSocketAddress inet ? inet : UNIX;
    }
}
