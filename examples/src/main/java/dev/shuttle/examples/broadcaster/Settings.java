package dev.shuttle.examples.broadcaster;

import java.nio.file.attribute.PosixFilePermission;
import java.time.Duration;
import java.util.Set;

import dev.shuttle.websocket.Compression;
import dev.shuttle.websocket.Options;
import dev.shuttle.websocket.OverflowPolicy;
import dev.shuttle.websocket.standalone.ListenerOptions;
import dev.shuttle.websocket.standalone.TcpKeepAlive;

/**
 * What the broadcaster's command line asked for, checked: the listening socket, the engine's
 * limits and the hub's policy. Flags that do not apply to the kind of socket are ignored, as
 * wsbroad does (the {@code --unix-*} ones on TCP, the {@code --tcp-*} ones on a UNIX socket).
 *
 * @param socketFilePermissions null: as the umask makes them
 * @param socketFileOwner       -1: unchanged
 * @param socketFileGroup       -1: unchanged
 * @param tcpKeepAlive          null: none
 * @param receiveBufferSize     0: the system's
 * @param sendBufferSize        0: the system's
 * @param stochasticQueue       the queue length in messages under {@link Policy#STOCHASTIC}, else 0
 */
record Settings(
        ListenAddress address,
        boolean unlinkSocketFile,
        Set<PosixFilePermission> socketFilePermissions,
        int socketFileOwner,
        int socketFileGroup,
        TcpKeepAlive tcpKeepAlive,
        boolean reusePort,
        boolean ipv6Only,
        int backlog,
        int receiveBufferSize,
        int sendBufferSize,
        long maxWriteBufferSize,
        long maxMessageSize,
        long maxFrameSize,
        boolean acceptUnmaskedFrames,
        int maxUrls,
        boolean reflexive,
        boolean noDelay,
        Policy policy,
        int stochasticQueue) {

    /** Longest wait of a sender for one receiver's room: longer than the write-stall timeout, so that drops it first. */
    static final Duration BACKPRESSURE_WAIT = Duration.ofMinutes(10);

    /** The slow-consumer behaviour the flags chose. */
    enum Policy { DROP, BACKPRESSURE, BACKPRESSURE_WITH_ERRORS, STOCHASTIC }

    /**
     * The engine's options: wsbroad's limits; no compression (wsbroad has none, and every message
     * is framed once for all); under backpressure a write waits for room in the receiver's queue
     * (a receiver that stops reading is dropped after the write-stall timeout, which ends the wait).
     */
    Options serverOptions() {
        boolean backpressure = policy == Policy.BACKPRESSURE || policy == Policy.BACKPRESSURE_WITH_ERRORS;
        return Options.builder()
                .overflowPolicy(backpressure ? OverflowPolicy.BLOCK : OverflowPolicy.DROP)
                .blockTimeout(BACKPRESSURE_WAIT)
                .maxQueuedBytes(maxWriteBufferSize)
                .maxMessageSize(maxMessageSize)
                .maxFramePayload(maxFrameSize)
                .acceptUnmaskedFrames(acceptUnmaskedFrames)
                .compression(Compression.disabled())
                .build();
    }

    ListenerOptions.Builder listenerOptions() {
        ListenerOptions.Builder b = ListenerOptions.builder()
                .backlog(backlog)
                .tcpNoDelay(noDelay)
                .tcpKeepAlive(tcpKeepAlive)
                .reusePort(reusePort)
                .ipv6Only(ipv6Only)
                .receiveBufferSize(receiveBufferSize)
                .sendBufferSize(sendBufferSize)
                .unlinkExistingSocketFile(unlinkSocketFile)
                .socketFilePermissions(socketFilePermissions)
                .socketFileOwner(socketFileOwner)
                .socketFileGroup(socketFileGroup);
        return switch (address) {
            case ListenAddress.Tcp tcp -> b.address(tcp.address());
            case ListenAddress.Unix unix -> b.address(unix.address());
            case ListenAddress.Inherited inherited -> b.inheritedChannel();
        };
    }
}
