package dev.shuttle.websocket.servlet;

import java.net.URI;
import java.time.Duration;

import dev.shuttle.websocket.Options;
import dev.shuttle.websocket.WebSocketServer;
import dev.shuttle.websocket.testing.RawClient;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/**
 * Tomcat's TCP-close quirk: closing the upgraded output stream only marked it closed, so after
 * failing a connection the server's FIN waited for the close timeout (117 Autobahn cases failed
 * "by client"). With the close timeout at 60 s, a peer that broke the protocol and then waits
 * must see the server's close frame and end of stream well before that: within the client's
 * 10 s read bound, which only the half-close (TomcatConnection) can meet.
 */
class TomcatHalfCloseTest {
    private final TomcatServletFixture tomcat = new TomcatServletFixture();

    @AfterEach
    void stop() throws Exception {
        tomcat.stop();
    }

    @Test
    @Timeout(60)
    void afterFailingAConnectionTheServerSendsFinWithoutWaitingForTheCloseTimeout() throws Exception {
        WebSocketServer server = WebSocketServer.builder()
                .options(Options.defaults().toBuilder().closeTimeout(Duration.ofSeconds(60)).build())
                .onData((c, binary, data) -> c.write(data))
                .build();
        URI uri = tomcat.start(server);
        RawClient client = RawClient.connect(uri);
        client.sendFrame(true, 0x3, new byte[0]); // a reserved opcode: 1002 (RFC 6455 §5.2)
        // The close frame, then end of stream within RawClient's 10 s read bound while the peer
        // stays silent: only our FIN can end the stream before the 60 s close timeout.
        client.expectClose(1002);
    }
}
