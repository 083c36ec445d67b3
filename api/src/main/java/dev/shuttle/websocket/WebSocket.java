package dev.shuttle.websocket;

import java.net.InetSocketAddress;
import java.net.SocketAddress;
import java.nio.ByteBuffer;
import java.time.Duration;
import java.util.Map;

/**
 * A live WebSocket connection, on the server or the client side.
 *
 * <h2>Threading</h2>
 * Every method may be called from any thread at any time, including from inside a callback of
 * another connection. Writes only enqueue: a single writer per connection sends the queue in
 * order with gathering writes, so a caller never waits for the network (except under
 * {@link OverflowPolicy#BLOCK}). Messages from one thread are sent in the order written; pings
 * and pongs may overtake queued messages but never split one.
 *
 * <h2>Lifecycle</h2>
 * {@code onOpen} runs once before any other callback; {@code onClose} runs exactly once, last.
 * {@link #close(int, String)} is idempotent and sends the close frame after what is already
 * queued; {@link #abort()} drops the TCP connection without a handshake.
 */
public interface WebSocket {
    /**
     * A process-unique id, increasing in the order connections were opened.
     *
     * @return the id
     */
    long id();

    /**
     * The peer's IP address and port (a proxy's, behind a proxy). Never {@code null}: on a UNIX
     * domain socket, which has no IP address, it is an unresolved address with host
     * {@code "unix"} and port 0 ({@code getAddress()} is {@code null}); the socket's real address
     * is {@link #remoteSocketAddress()}.
     *
     * @return the remote address
     */
    InetSocketAddress remoteAddress();

    /**
     * Our end's IP address and port; on a UNIX domain socket the unresolved {@code unix:0}, as
     * {@link #remoteAddress()}.
     *
     * @return the local address
     */
    InetSocketAddress localAddress();

    /**
     * The peer's address as its socket reports it: the same as {@link #remoteAddress()} over
     * TCP, a {@link java.net.UnixDomainSocketAddress} over a UNIX domain socket (usually with an
     * empty path: clients rarely bind theirs).
     *
     * @return the remote socket address
     */
    default SocketAddress remoteSocketAddress() {
        return remoteAddress();
    }

    /**
     * Our end's address as its socket reports it: over a UNIX domain socket, the listener's path.
     *
     * @return the local socket address
     */
    default SocketAddress localSocketAddress() {
        return localAddress();
    }

    /**
     * The upgrade request that opened this connection (on a client: the request it sent).
     *
     * @return the request's view: method, path, query, headers
     */
    HandshakeRequest request();

    /**
     * The request path, e.g. {@code /chat/room1}.
     *
     * @return the path of {@link #request()}
     */
    default String path() {
        return request().path();
    }

    /**
     * The subprotocol agreed in the handshake.
     *
     * @return the subprotocol, or {@code null} when none was agreed
     */
    String subprotocol();

    /**
     * An attribute attached by the {@link UpgradeHook} or by {@link #attribute(String, Object)}.
     *
     * @param <T> the type the caller expects (an unchecked cast)
     * @param key the attribute's name
     * @return the value, or {@code null}
     */
    <T> T attribute(String key);

    /**
     * Attaches (or, with {@code null}, removes) an attribute; thread-safe.
     *
     * @param key the attribute's name
     * @param value the value, or {@code null} to remove it
     */
    void attribute(String key, Object value);

    /**
     * All attributes.
     *
     * @return a read-only live view
     */
    Map<String, Object> attributes();

    /**
     * Queues a text message (encoded as UTF-8; compressed when permessage-deflate is agreed and
     * the message is above the compression threshold).
     *
     * @param text the message
     * @return {@link SendResult#QUEUED}, or why it was not (queue full under the overflow policy, closing)
     */
    SendResult write(String text);

    /**
     * Queues a text message from bytes the caller guarantees to be valid UTF-8 (for example the
     * {@code data} of a text {@code onData}): no decoding and encoding again. Copied.
     *
     * @param utf8 valid UTF-8 (not checked: invalid bytes make the peer fail the connection with 1007)
     * @return {@link SendResult#QUEUED}, or why it was not
     */
    SendResult writeText(byte[] utf8);

    /**
     * Queues a binary message (copied into the frame).
     *
     * @param data the message
     * @return {@link SendResult#QUEUED}, or why it was not
     */
    SendResult write(byte[] data);

    /**
     * Queues a binary message of the buffer's remaining bytes (copied; the buffer's position moves to its limit).
     *
     * @param data the message
     * @return {@link SendResult#QUEUED}, or why it was not
     */
    SendResult write(ByteBuffer data);

    /**
     * Queues a message encoded once for many connections (see {@link PreparedMessage}): the same
     * bytes, no copy per connection.
     *
     * @param message the prepared message
     * @return {@link SendResult#QUEUED}, or why it was not
     */
    SendResult write(PreparedMessage message);

    /**
     * Queues a raw frame, as built; the library adds the mask on a client. Data frames with
     * {@code fin=false} are yours to complete with continuation frames; other writers' messages
     * may not be interleaved while you do, so keep one writer per fragmented message. Raw frames
     * are never compressed; with permessage-deflate negotiated RSV1 belongs to the extension
     * (RFC 7692 §6), so a frame with RSV1 is refused with an {@link IllegalArgumentException}.
     *
     * @param frame the frame
     * @return {@link SendResult#QUEUED}, or why it was not (the first fragment decides for a whole message)
     * @throws IllegalArgumentException for RSV1 with permessage-deflate agreed
     */
    SendResult writeFrame(Frame frame);

    /**
     * Sends a ping; the answer arrives at {@code onPong}. Ahead of queued messages.
     *
     * @param payload at most 125 bytes (RFC 6455 §5.5)
     * @return {@link SendResult#QUEUED}, or {@link SendResult#CLOSED}
     * @throws IllegalArgumentException for a payload over 125 bytes
     */
    SendResult ping(byte[] payload);

    /**
     * Sends an unsolicited pong. Pings are answered for you.
     *
     * @param payload at most 125 bytes
     * @return {@link SendResult#QUEUED}, or {@link SendResult#CLOSED}
     * @throws IllegalArgumentException for a payload over 125 bytes
     */
    SendResult pong(byte[] payload);

    /** Starts the close handshake with 1000 and no reason. */
    default void close() {
        close(CloseCode.NORMAL, "");
    }

    /**
     * Starts the close handshake: the close frame follows what is already queued, then the
     * connection waits for the peer's close for {@link Options#closeTimeout()}. Idempotent.
     *
     * @param code a close code a peer may send (RFC 6455 §7.4: 1000-1003, 1007-1014, 3000-4999)
     * @param reason at most 123 bytes of UTF-8; longer reasons are cut at a character boundary
     * @throws IllegalArgumentException for a code that may not be sent
     */
    void close(int code, String reason);

    /** Drops the TCP connection at once, without a close frame; {@code onClose} reports 1006. */
    void abort();

    /**
     * Whether messages may still be sent.
     *
     * @return true until a close frame was sent or received, or the connection dropped
     */
    boolean isOpen();

    /**
     * Bytes waiting in the outbound queue: encoded frames plus a fixed cost per queued frame.
     *
     * @return the queued bytes, bounded by {@link Options#maxQueuedBytes()}
     */
    long queuedBytes();

    /**
     * A snapshot of this connection's counters.
     *
     * @return messages and bytes in and out, and messages dropped
     */
    ConnectionStats stats();

    /**
     * Round-trip time of the last automatic ping answered by a pong.
     *
     * @return the time, or {@code null} if none yet
     */
    Duration rtt();
}
