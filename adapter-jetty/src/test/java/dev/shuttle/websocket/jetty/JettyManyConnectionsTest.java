package dev.shuttle.websocket.jetty;

import org.eclipse.jetty.util.thread.QueuedThreadPool;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/** 1,000 concurrent connections on Jetty core: open, echo, close; no descriptor or thread left behind. */
class JettyManyConnectionsTest {
    @Test
    @Timeout(180)
    void thousandConnectionsOpenEchoAndCloseWithoutLeaks() throws Exception {
        // Idle pool threads retire after 1 s, so the thread count can settle within the test.
        QueuedThreadPool pool = new QueuedThreadPool(32, 4, 1_000);
        ManyConnections.run(new JettyFixture(pool), 1_000);
    }
}
