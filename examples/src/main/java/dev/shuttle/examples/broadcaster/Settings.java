package dev.shuttle.examples.broadcaster;

import java.nio.file.attribute.PosixFilePermission;
import java.util.Set;

import dev.shuttle.websocket.Compression;
import dev.shuttle.websocket.Options;
import dev.shuttle.websocket.OverflowPolicy;
import dev.shuttle.websocket.hub.SlowConsumerPolicy;
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

    /** The slow-consumer behaviour the flags chose. */
    enum Policy { DROP, BACKPRESSURE, BACKPRESSURE_WITH_ERRORS, STOCHASTIC }

    /** The hub's policy: wsbroad's modes map one to one. */
    SlowConsumerPolicy hubPolicy() {
        return switch (policy) {
            case DROP -> SlowConsumerPolicy.DROP;
            case BACKPRESSURE -> SlowConsumerPolicy.BACKPRESSURE;
            case BACKPRESSURE_WITH_ERRORS -> SlowConsumerPolicy.BACKPRESSURE_WITH_ERRORS;
            case STOCHASTIC -> SlowConsumerPolicy.stochastic(stochasticQueue);
        };
    }

    /**
     * The engine's options: wsbroad's limits; no compression (wsbroad has none, and every message
     * is framed once for all). Relayed messages follow the hub's policy, whatever the
     * connection's own overflow policy; a receiver that stops reading under backpressure is
     * dropped by the write-stall timeout (30 s), which frees its senders.
     */
    Options serverOptions() {
        return Options.builder()
                .overflowPolicy(OverflowPolicy.DROP)
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
