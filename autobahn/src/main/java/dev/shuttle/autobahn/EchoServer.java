package dev.shuttle.autobahn;

import java.time.Duration;

import dev.shuttle.websocket.Compression;
import dev.shuttle.websocket.Options;
import dev.shuttle.websocket.OverflowPolicy;
import dev.shuttle.websocket.PreparedMessage;
import dev.shuttle.websocket.WebSocketServer;

/**
 * The echo server Autobahn expects: every message goes back to its sender, text as text and
 * binary as binary, with the 16 MiB frame and message limits that section 9 needs (9.1.6 sends
 * one 16 MiB message). The same {@link WebSocketServer} is mounted on every transport.
 */
public final class EchoServer {
    /** 16 MiB: the largest message of the catalog (cases 9.1.6 and 9.2.6). */
    public static final int MAX_MESSAGE = 16 << 20;

    private EchoServer() {
    }

    public static Options options() {
        return Options.defaults().toBuilder()
                .maxFramePayload(MAX_MESSAGE)
                .maxMessageSize(MAX_MESSAGE)
                // An echo of a 16 MiB message must never be dropped: queue room for two of
                // them, and make the reader wait (backpressure) rather than drop beyond that.
                .maxQueuedBytes(2L * MAX_MESSAGE + (1 << 20))
                .overflowPolicy(OverflowPolicy.BLOCK)
                .blockTimeout(Duration.ofSeconds(30))
                // permessage-deflate (RFC 7692), sections 12 and 13: the server accepts the first
                // acceptable offer of the client, with the library's defaults.
                .compression(Compression.defaults())
                .build();
    }

    public static WebSocketServer create() {
        return WebSocketServer.builder()
                .options(options())
                .onData((c, isBinary, data) -> {
                    // The callback owns `data`; text is already validated UTF-8, so no decode.
                    c.write(isBinary ? PreparedMessage.binary(data) : PreparedMessage.textUtf8(data));
                })
                .build();
    }
}
