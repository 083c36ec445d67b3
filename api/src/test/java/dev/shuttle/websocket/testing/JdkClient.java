package dev.shuttle.websocket.testing;

import java.io.ByteArrayOutputStream;
import java.lang.reflect.InvocationTargetException;
import java.lang.reflect.Method;
import java.lang.reflect.Proxy;
import java.net.URI;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;

/**
 * The JDK's {@code java.net.http.WebSocket} client as an independent peer. It answers pings and
 * close frames by itself.
 * <p>
 * Reached through reflection on purpose: the tests are compiled into the module
 * {@code dev.shuttle.websocket}, which (rightly) does not read {@code java.net.http}, and core
 * reflection needs no readability. Everything here is plain public JDK API.
 */
public final class JdkClient implements AutoCloseable {
    public static final Duration WAIT = Duration.ofSeconds(10);

    /** A whole message (partial deliveries joined). */
    public record Message(boolean binary, byte[] data) {
        public String text() {
            return new String(data, StandardCharsets.UTF_8);
        }
    }

    /** The server's close frame. */
    public record Closed(int code, String reason) {
    }

    public final BlockingQueue<Message> messages = new LinkedBlockingQueue<>();
    public final BlockingQueue<byte[]> pings = new LinkedBlockingQueue<>();
    public final CompletableFuture<Closed> closed = new CompletableFuture<>();
    public final CompletableFuture<Throwable> error = new CompletableFuture<>();

    private final Object httpClient;
    private final Object webSocket;
    private final StringBuilder text = new StringBuilder();
    private final ByteArrayOutputStream binary = new ByteArrayOutputStream();

    private static final Class<?> HTTP_CLIENT = type("java.net.http.HttpClient");
    private static final Class<?> BUILDER = type("java.net.http.WebSocket$Builder");
    private static final Class<?> WEB_SOCKET = type("java.net.http.WebSocket");
    private static final Class<?> LISTENER = type("java.net.http.WebSocket$Listener");

    private JdkClient(URI uri, List<String> subprotocols) throws Exception {
        httpClient = call(HTTP_CLIENT, null, "newHttpClient");
        Object builder = call(HTTP_CLIENT, httpClient, "newWebSocketBuilder");
        BUILDER.getMethod("connectTimeout", Duration.class).invoke(builder, WAIT);
        if (!subprotocols.isEmpty()) {
            BUILDER.getMethod("subprotocols", String.class, String[].class).invoke(builder, subprotocols.get(0),
                    subprotocols.subList(1, subprotocols.size()).toArray(String[]::new));
        }
        Object listener = Proxy.newProxyInstance(JdkClient.class.getClassLoader(), new Class<?>[] {LISTENER},
                (proxy, method, args) -> switch (method.getName()) {
                    case "onOpen" -> {
                        request(args[0]);
                        yield null;
                    }
                    case "onText" -> onText(args[0], (CharSequence) args[1], (Boolean) args[2]);
                    case "onBinary" -> onBinary(args[0], (ByteBuffer) args[1], (Boolean) args[2]);
                    case "onPing" -> {
                        pings.add(bytes((ByteBuffer) args[1]));
                        request(args[0]);
                        yield null;
                    }
                    case "onPong" -> {
                        request(args[0]);
                        yield null;
                    }
                    case "onClose" -> {
                        closed.complete(new Closed((Integer) args[1], (String) args[2]));
                        yield null; // null: the JDK answers with its close frame at once
                    }
                    case "onError" -> {
                        error.complete((Throwable) args[1]);
                        closed.complete(new Closed(1006, "error: " + args[1]));
                        yield null;
                    }
                    case "hashCode" -> System.identityHashCode(proxy);
                    case "equals" -> proxy == args[0];
                    case "toString" -> "JdkClient.Listener";
                    default -> throw new UnsupportedOperationException(method.getName());
                });
        CompletableFuture<?> cf = (CompletableFuture<?>) BUILDER.getMethod("buildAsync", URI.class, LISTENER)
                .invoke(builder, uri, listener);
        webSocket = cf.get(WAIT.toMillis(), TimeUnit.MILLISECONDS);
    }

    public static JdkClient connect(URI uri, String... subprotocols) throws Exception {
        return new JdkClient(uri, List.of(subprotocols));
    }

    public void sendText(String s) throws Exception {
        join(WEB_SOCKET.getMethod("sendText", CharSequence.class, boolean.class).invoke(webSocket, s, true));
    }

    public void sendBinary(byte[] data) throws Exception {
        join(WEB_SOCKET.getMethod("sendBinary", ByteBuffer.class, boolean.class).invoke(webSocket, ByteBuffer.wrap(data), true));
    }

    public void sendClose(int code, String reason) throws Exception {
        join(WEB_SOCKET.getMethod("sendClose", int.class, String.class).invoke(webSocket, code, reason));
    }

    public String subprotocol() throws Exception {
        return (String) WEB_SOCKET.getMethod("getSubprotocol").invoke(webSocket);
    }

    public boolean isInputClosed() throws Exception {
        return (Boolean) WEB_SOCKET.getMethod("isInputClosed").invoke(webSocket);
    }

    /** The next whole message, or a failed test. */
    public Message nextMessage() throws InterruptedException {
        return RecordingHandler.assertArrives(messages, "a message at the JDK client");
    }

    public Closed awaitClosed() throws Exception {
        return closed.get(WAIT.toMillis(), TimeUnit.MILLISECONDS);
    }

    /** Aborts the connection and shuts the HTTP client down. */
    @Override
    public void close() {
        try {
            WEB_SOCKET.getMethod("abort").invoke(webSocket);
        } catch (ReflectiveOperationException ignored) {
            // best effort
        }
        try {
            HTTP_CLIENT.getMethod("shutdownNow").invoke(httpClient); // JDK 21+
        } catch (ReflectiveOperationException ignored) {
            // older JDK: the client's threads end by themselves
        }
    }

    private Object onText(Object ws, CharSequence data, boolean last) {
        text.append(data);
        if (last) {
            messages.add(new Message(false, text.toString().getBytes(StandardCharsets.UTF_8)));
            text.setLength(0);
        }
        request(ws);
        return null;
    }

    private Object onBinary(Object ws, ByteBuffer data, boolean last) {
        binary.writeBytes(bytes(data));
        if (last) {
            messages.add(new Message(true, binary.toByteArray()));
            binary.reset();
        }
        request(ws);
        return null;
    }

    private static byte[] bytes(ByteBuffer b) {
        byte[] a = new byte[b.remaining()];
        b.get(a);
        return a;
    }

    private static void request(Object ws) {
        try {
            WEB_SOCKET.getMethod("request", long.class).invoke(ws, 1L);
        } catch (ReflectiveOperationException e) {
            throw new IllegalStateException(e);
        }
    }

    private static void join(Object future) throws Exception {
        ((CompletableFuture<?>) future).get(WAIT.toMillis(), TimeUnit.MILLISECONDS);
    }

    private static Object call(Class<?> type, Object target, String name) throws Exception {
        Method m = type.getMethod(name);
        try {
            return m.invoke(target);
        } catch (InvocationTargetException e) {
            throw e.getCause() instanceof Exception ex ? ex : e;
        }
    }

    private static Class<?> type(String name) {
        try {
            return Class.forName(name);
        } catch (ClassNotFoundException e) {
            throw new ExceptionInInitializerError(e);
        }
    }
}
