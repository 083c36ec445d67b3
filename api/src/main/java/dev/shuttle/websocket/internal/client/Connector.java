package dev.shuttle.websocket.internal.client;

import java.io.EOFException;
import java.io.IOException;
import java.net.InetSocketAddress;
import java.net.StandardSocketOptions;
import java.net.Socket;
import java.net.SocketTimeoutException;
import java.net.URI;
import java.net.UnknownHostException;
import java.nio.ByteBuffer;
import java.nio.channels.SocketChannel;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;

import javax.net.ssl.SNIHostName;
import javax.net.ssl.SSLContext;
import javax.net.ssl.SSLParameters;
import javax.net.ssl.SSLSocket;

import dev.shuttle.websocket.WebSocketHandshakeException;
import dev.shuttle.websocket.internal.handshake.ClientHandshake;
import dev.shuttle.websocket.internal.handshake.ResponseHead;
import dev.shuttle.websocket.internal.io.Poller;
import dev.shuttle.websocket.internal.io.PushbackTransport;
import dev.shuttle.websocket.internal.io.SocketChannelTransport;
import dev.shuttle.websocket.spi.Transport;

/**
 * Opens a client connection: TCP (and TLS for wss), then the opening handshake. Blocking calls
 * throughout, meant for a virtual thread; the result is a transport positioned at the first byte
 * of the WebSocket stream, ready for the engine.
 */
public final class Connector {
    /** What the client was configured with; the connector reads it, never changes it. */
    public record Settings(Duration connectTimeout, Duration handshakeTimeout, String origin, List<String> subprotocols,
                           String extensions, List<Map.Entry<String, String>> headers, SSLContext sslContext,
                           SSLParameters sslParameters, boolean hostnameVerification) {
    }

    /** An open connection after a successful handshake. */
    public record Opened(Transport transport, byte[] request, ResponseHead response,
                         ClientHandshake.Accepted accepted) {
    }

    private Connector() {
    }

    /** One poller for every ws:// client socket in the process: daemon threads, never stopped. */
    private static final class SharedPoller {
        static final Poller INSTANCE = create();

        private static Poller create() {
            try {
                return new Poller("shuttle-client-poller", Poller.defaultThreads());
            } catch (IOException e) {
                throw new IllegalStateException("cannot open a selector for client sockets", e);
            }
        }
    }

    /**
     * Connects and shakes hands. On any failure the socket is closed before the exception leaves.
     *
     * @throws WebSocketHandshakeException when the server refuses or answers wrongly
     * @throws SocketTimeoutException      when the connect or the handshake takes too long
     */
    public static Opened open(URI uri, Settings s) throws IOException {
        boolean secure = ClientHandshake.isSecure(uri);
        String host = uri.getHost();
        if (host == null) {
            throw new IllegalArgumentException("no host in " + uri);
        }
        if (uri.getRawFragment() != null) {
            throw new IllegalArgumentException("a WebSocket URI has no fragment (RFC 6455 §3): " + uri);
        }
        String bareHost = host.startsWith("[") ? host.substring(1, host.length() - 1) : host;
        int port = uri.getPort() != -1 ? uri.getPort() : secure ? 443 : 80;
        InetSocketAddress address = new InetSocketAddress(bareHost, port);
        if (address.isUnresolved()) {
            throw new UnknownHostException(bareHost);
        }
        int connectMillis = millis(s.connectTimeout());
        long handshakeNanos = s.handshakeTimeout().toNanos();
        PushbackTransport transport = null;
        try {
            long deadline;
            if (secure) {
                Socket raw = new Socket();
                try {
                    raw.setTcpNoDelay(true);
                    raw.connect(address, connectMillis);
                    deadline = deadline(handshakeNanos);
                    transport = new TlsTransport(startTls(raw, bareHost, port, s, deadline), raw);
                } catch (IOException | RuntimeException e) {
                    raw.close();
                    throw e;
                }
            } else {
                transport = connectPlain(address, connectMillis);
                deadline = deadline(handshakeNanos);
            }
            String key = ClientHandshake.newKey();
            byte[] request = ClientHandshake.request(uri, key, s.origin(), s.subprotocols(), s.extensions(), s.headers());
            transport.write(new ByteBuffer[] {ByteBuffer.wrap(request)});
            ResponseHead response = readResponse(transport, deadline, s.handshakeTimeout());
            ClientHandshake.Accepted accepted = ClientHandshake.check(response, key, s.subprotocols(), s.extensions());
            return new Opened(transport, request, response, accepted);
        } catch (IOException | RuntimeException e) {
            if (transport != null) {
                transport.close();
            }
            throw e;
        }
    }

    /**
     * ws://: connects, then switches to non-blocking mode and parks on the shared poller like the
     * built-in listener's sockets (no read buffer while idle). The connect itself is a blocking
     * connect with a timeout through the socket adaptor: on a virtual thread it parks rather than
     * blocking a carrier, and it spares the poller an OP_CONNECT case.
     */
    private static SocketChannelTransport connectPlain(InetSocketAddress address, int timeoutMillis) throws IOException {
        SocketChannel channel = SocketChannel.open();
        try {
            channel.setOption(StandardSocketOptions.TCP_NODELAY, true); // frames are written whole; do not delay small ones
            channel.socket().connect(address, timeoutMillis);
            channel.configureBlocking(false);
            return new SocketChannelTransport(channel, SharedPoller.INSTANCE, t -> { });
        } catch (IOException | RuntimeException e) {
            channel.close();
            throw e;
        }
    }

    /**
     * TLS over the connected socket: hostname verification (RFC 2818 rules, by the JDK's
     * "HTTPS" endpoint identification) unless turned off, and SNI with the URI's host name.
     */
    private static SSLSocket startTls(Socket raw, String host, int port, Settings s, long deadline) throws IOException {
        SSLContext context = s.sslContext();
        if (context == null) {
            try {
                context = SSLContext.getDefault();
            } catch (java.security.NoSuchAlgorithmException e) {
                throw new IOException("no default SSLContext", e);
            }
        }
        SSLSocket socket = (SSLSocket) context.getSocketFactory().createSocket(raw, host, port, true);
        socket.setUseClientMode(true);
        if (s.sslParameters() != null) {
            socket.setSSLParameters(s.sslParameters());
        }
        // getSSLParameters() returns a copy: the caller's object is never modified.
        SSLParameters p = socket.getSSLParameters();
        if (s.hostnameVerification() && p.getEndpointIdentificationAlgorithm() == null) {
            p.setEndpointIdentificationAlgorithm("HTTPS");
        } else if (!s.hostnameVerification()) {
            p.setEndpointIdentificationAlgorithm(null);
        }
        if ((p.getServerNames() == null || p.getServerNames().isEmpty()) && !isIpLiteral(host)) {
            try {
                p.setServerNames(List.of(new SNIHostName(host)));
            } catch (IllegalArgumentException e) {
                // not a name SNI can carry (RFC 6066 §3); the handshake goes on without it
            }
        }
        socket.setSSLParameters(p);
        socket.setSoTimeout(remainingMillis(deadline));
        socket.startHandshake();
        return socket;
    }

    /**
     * Reads the response head (at most {@link ResponseHead#MAX_BYTES}) before the deadline; bytes
     * after it go back to the transport as the start of the WebSocket stream.
     */
    static ResponseHead readResponse(PushbackTransport t, long deadline, Duration timeout) throws IOException {
        byte[] head = new byte[ResponseHead.MAX_BYTES];
        ByteBuffer buf = ByteBuffer.wrap(head);
        while (true) {
            int n = t.read(buf);
            if (n < 0) {
                throw new EOFException(buf.position() == 0 ? "the server closed the connection without answering the handshake"
                        : "the server closed the connection inside the handshake response");
            }
            if (n > 0) {
                int end = ResponseHead.endOfHead(head, buf.position());
                if (end >= 0) {
                    ResponseHead response = ResponseHead.parse(head, end);
                    if (end < buf.position()) {
                        t.unread(ByteBuffer.wrap(head, end, buf.position() - end).slice());
                    }
                    return response;
                }
                if (!buf.hasRemaining()) {
                    throw new WebSocketHandshakeException("response head larger than " + ResponseHead.MAX_BYTES + " bytes", 0, Map.of());
                }
                continue;
            }
            long left = deadline == 0 ? 0 : deadline - System.nanoTime();
            if (deadline != 0 && left <= 0) {
                throw new SocketTimeoutException("no handshake response within " + timeout);
            }
            t.awaitReadable(left);
        }
    }

    private static boolean isIpLiteral(String host) {
        return host.indexOf(':') >= 0 || host.matches("\\d{1,3}(\\.\\d{1,3}){3}");
    }

    /** System.nanoTime() deadline, 0 for none. */
    private static long deadline(long nanos) {
        return nanos <= 0 ? 0 : System.nanoTime() + nanos;
    }

    private static int remainingMillis(long deadline) throws SocketTimeoutException {
        if (deadline == 0) {
            return 0;
        }
        long left = TimeUnit.NANOSECONDS.toMillis(deadline - System.nanoTime());
        if (left <= 0) {
            throw new SocketTimeoutException("handshake timeout");
        }
        return (int) Math.min(Integer.MAX_VALUE, left);
    }

    private static int millis(Duration d) {
        return d.isZero() ? 0 : (int) Math.max(1, Math.min(Integer.MAX_VALUE, d.toMillis()));
    }
}
