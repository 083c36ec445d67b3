package dev.shuttle.websocket.testing;

import java.net.InetSocketAddress;
import java.net.URI;

import dev.shuttle.websocket.WebSocketServer;
import dev.shuttle.websocket.standalone.Listener;
import dev.shuttle.websocket.standalone.ListenerOptions;

/** The built-in listener on 127.0.0.1 and an ephemeral port. */
public final class BuiltinFixture implements ServerFixture {
    private Listener listener;

    @Override
    public URI start(WebSocketServer server) throws Exception {
        listener = server.listen(ListenerOptions.builder().address(new InetSocketAddress("127.0.0.1", 0)).build());
        return URI.create("ws://127.0.0.1:" + listener.port() + "/");
    }

    @Override
    public void stop() {
        Listener l = listener;
        listener = null;
        if (l != null) {
            l.close();
        }
    }
}
