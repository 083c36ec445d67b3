package dev.shuttle.websocket.internal.session;

import java.net.InetSocketAddress;
import java.nio.ByteBuffer;
import java.time.Duration;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.function.Consumer;

import dev.shuttle.websocket.ConnectionStats;
import dev.shuttle.websocket.Frame;
import dev.shuttle.websocket.HandshakeRequest;
import dev.shuttle.websocket.PreparedMessage;
import dev.shuttle.websocket.SendResult;
import dev.shuttle.websocket.Options;
import dev.shuttle.websocket.WebSocket;
import dev.shuttle.websocket.WebSocketHandler;
import dev.shuttle.websocket.spi.Transport;

/** The connection engine. STUB: being written. */
public class Connection implements WebSocket {
    /** Which end of the connection we are: a server expects masked frames and sends unmasked ones. */
    public enum Role { SERVER, CLIENT }

    public Connection(Transport transport, Role role, Options options, WebSocketHandler handler,
                      HandshakeRequest request, String subprotocol, Map<String, Object> attributes,
                      Consumer<? super Connection> onClosed) {
    }

    /** Runs onOpen and starts the reader on a new virtual thread. */
    public void start() {
    }

    /** Waits until onClose has run. */
    public boolean awaitClosed(long timeout, TimeUnit unit) {
        return false;
    }

    @Override public long id() { throw new UnsupportedOperationException(); }
    @Override public InetSocketAddress remoteAddress() { throw new UnsupportedOperationException(); }
    @Override public InetSocketAddress localAddress() { throw new UnsupportedOperationException(); }
    @Override public HandshakeRequest request() { throw new UnsupportedOperationException(); }
    @Override public String subprotocol() { throw new UnsupportedOperationException(); }
    @Override public <T> T attribute(String key) { throw new UnsupportedOperationException(); }
    @Override public void attribute(String key, Object value) { throw new UnsupportedOperationException(); }
    @Override public Map<String, Object> attributes() { throw new UnsupportedOperationException(); }
    @Override public SendResult write(String text) { throw new UnsupportedOperationException(); }
    @Override public SendResult write(byte[] data) { throw new UnsupportedOperationException(); }
    @Override public SendResult write(ByteBuffer data) { throw new UnsupportedOperationException(); }
    @Override public SendResult write(PreparedMessage message) { throw new UnsupportedOperationException(); }
    @Override public SendResult writeFrame(Frame frame) { throw new UnsupportedOperationException(); }
    @Override public SendResult ping(byte[] payload) { throw new UnsupportedOperationException(); }
    @Override public SendResult pong(byte[] payload) { throw new UnsupportedOperationException(); }
    @Override public void close(int code, String reason) { throw new UnsupportedOperationException(); }
    @Override public void abort() { throw new UnsupportedOperationException(); }
    @Override public boolean isOpen() { throw new UnsupportedOperationException(); }
    @Override public long queuedBytes() { throw new UnsupportedOperationException(); }
    @Override public ConnectionStats stats() { throw new UnsupportedOperationException(); }
    @Override public Duration rtt() { throw new UnsupportedOperationException(); }
}
