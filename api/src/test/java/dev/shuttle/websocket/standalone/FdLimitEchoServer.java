package dev.shuttle.websocket.standalone;

import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;

import dev.shuttle.websocket.WebSocketServer;

/**
 * The child JVM of {@link FileDescriptorLimitTest}: an echo server on the built-in listener that
 * tells its parent on stdout what happens ({@code PORT n}, {@code OPEN}, {@code CLOSE}, and
 * {@code ACCEPT-FAILED} from {@link FdLimitLoggerFinder}); it stops when its stdin ends.
 */
public final class FdLimitEchoServer {
    private FdLimitEchoServer() {
    }

    public static void main(String[] args) throws Exception {
        WebSocketServer server = WebSocketServer.builder()
                .onOpen(c -> System.out.println("OPEN"))
                .onData((c, isBinary, data) -> {
                    if (isBinary) {
                        c.write(data);
                    } else {
                        c.write(new String(data, StandardCharsets.UTF_8));
                    }
                })
                .onClose((c, code, reason, cause) -> System.out.println("CLOSE"))
                .build();
        try (Listener listener = server.listen(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0))) {
            System.out.println("PORT " + listener.port());
            while (System.in.read() >= 0) {
                // the parent never writes; its end (or death) ends us
            }
        }
    }
}
