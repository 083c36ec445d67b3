package dev.shuttle.bench.server;

import java.nio.ByteBuffer;

import io.undertow.Handlers;
import io.undertow.Undertow;
import io.undertow.websockets.core.AbstractReceiveListener;
import io.undertow.websockets.core.BufferedBinaryMessage;
import io.undertow.websockets.core.BufferedTextMessage;
import io.undertow.websockets.core.WebSocketCallback;
import io.undertow.websockets.core.WebSocketChannel;
import io.undertow.websockets.core.WebSockets;
import org.xnio.Pooled;

/**
 * Undertow's native (non-JSR) WebSocket API on undertow-core: a receive listener that gets
 * whole messages, {@link WebSockets} to send. Everything else at Undertow's defaults (IO
 * threads = cores, pooled direct buffers).
 */
final class UndertowPeer {
    private UndertowPeer() {
    }

    static ServerMain.RunningServer start(Mode mode, String host, int port) {
        AbstractReceiveListener listener = mode == Mode.ECHO ? new Echo() : new Broadcast();
        Undertow server = Undertow.builder()
                .addHttpListener(port, host)
                .setHandler(Handlers.websocket((exchange, channel) -> {
                    channel.getReceiveSetter().set(listener);
                    channel.resumeReceives();
                }))
                .build();
        server.start();
        int bound = ((java.net.InetSocketAddress) server.getListenerInfo().get(0).getAddress()).getPort();
        return new ServerMain.RunningServer() {
            @Override
            public int port() {
                return bound;
            }

            @Override
            public void close() {
                server.stop();
            }
        };
    }

    /** Sends the pooled buffers straight back and returns them to the pool once written. */
    static final class Echo extends AbstractReceiveListener {
        @Override
        protected void onFullBinaryMessage(WebSocketChannel channel, BufferedBinaryMessage message) {
            Pooled<ByteBuffer[]> data = message.getData();
            WebSockets.sendBinary(data.getResource(), channel, freeing(data));
        }

        @Override
        protected void onFullTextMessage(WebSocketChannel channel, BufferedTextMessage message) {
            WebSockets.sendText(message.getData(), channel, null);
        }
    }

    /** Sends to every connection of the same handshake handler (sender included): one copy, a view per peer. */
    static final class Broadcast extends AbstractReceiveListener {
        @Override
        protected void onFullBinaryMessage(WebSocketChannel channel, BufferedBinaryMessage message) {
            Pooled<ByteBuffer[]> data = message.getData();
            ByteBuffer copy;
            try {
                ByteBuffer[] parts = data.getResource();
                int size = 0;
                for (ByteBuffer b : parts) {
                    size += b.remaining();
                }
                copy = ByteBuffer.allocate(size);
                for (ByteBuffer b : parts) {
                    copy.put(b);
                }
                copy.flip();
            } finally {
                data.free();
            }
            for (WebSocketChannel peer : channel.getPeerConnections()) {
                WebSockets.sendBinary(copy.duplicate(), peer, null);
            }
        }

        @Override
        protected void onFullTextMessage(WebSocketChannel channel, BufferedTextMessage message) {
            String text = message.getData();
            for (WebSocketChannel peer : channel.getPeerConnections()) {
                WebSockets.sendText(text, peer, null);
            }
        }
    }

    private static WebSocketCallback<Void> freeing(Pooled<ByteBuffer[]> data) {
        return new WebSocketCallback<>() {
            @Override
            public void complete(WebSocketChannel channel, Void context) {
                data.free();
            }

            @Override
            public void onError(WebSocketChannel channel, Void context, Throwable throwable) {
                data.free();
            }
        };
    }
}
