package dev.shuttle.websocket.servlet;

import java.io.IOException;
import java.lang.reflect.Field;
import java.lang.reflect.Method;
import java.util.concurrent.Executor;
import java.util.concurrent.RejectedExecutionException;

import jakarta.servlet.ServletInputStream;
import jakarta.servlet.ServletOutputStream;
import jakarta.servlet.WriteListener;
import jakarta.servlet.http.WebConnection;

/**
 * Tomcat's upgraded {@link WebConnection} as the servlet bridge needs it (Tomcat 11; evidence in
 * TomcatServletTransportTest and TomcatReadAheadTest):
 * <ul>
 * <li><b>Output is flushed after every write.</b> Tomcat's non-blocking upgraded output only
 * copies a write into its socket buffer while that has room and sends nothing before
 * {@code flush()}: without this an echo never left the server. The flush is made only while
 * {@code isReady()} is true (Tomcat refuses a flush while it still holds earlier bytes); when it
 * is false Tomcat has armed its write interest, sends the rest itself and then calls
 * {@code onWritePossible}. A flush that cannot send everything leaves the stream not ready, so
 * the bridge waits for that call before it writes again or closes.</li>
 * <li><b>It is the {@link Executor} that resumes paused input</b> on the container's thread.
 * Tomcat's worker threads cannot run tasks, so the bridge could not pause a peer that is ahead
 * of the application and failed it beyond 1 MiB (a 1 MiB echo failed whenever the reader fell
 * behind). {@link #execute} asks Tomcat to process a read event for this socket
 * ({@code SocketWrapperBase.processSocket(OPEN_READ, true)}, reached by reflection: Tomcat's own
 * WebSocket resumes a suspended session the same way), which calls {@code onDataAvailable}
 * under Tomcat's lock for the socket, as soon as bytes are buffered or arrive. The task itself
 * is not run: onDataAvailable is what the bridge resumes. If a future Tomcat moves these
 * internals, the connection is used without the executor (no pause, the 1 MiB bound) and a
 * debug line says so.</li>
 * <li><b>Closing the output half-closes the socket.</b> Tomcat's upgraded output stream only
 * marks itself closed: no FIN reached the peer until the whole connection closed, so after
 * failing a connection (1002, 1007, ...) the server kept TCP open until its close timeout, and
 * the Autobahn cases that wait for the server to drop TCP failed ("FAILED BY CLIENT" on 117
 * cases). After closing the stream, the socket's channel is shut down for output
 * ({@code SocketWrapperBase.getSocket().getIOChannel().shutdownOutput()}, reflection again); with
 * TLS that sends FIN without a close_notify, after our close frame.</li>
 * </ul>
 * {@code WebConnection.close()} itself closes the TCP connection on Tomcat 11.0.29 (it dispatches
 * a STOP event); the contract suite's close cases and ServletManyConnectionsTest check that the
 * peer sees the end of the stream after the close handshake.
 */
final class TomcatConnection implements WebConnection, Executor {
    private static final System.Logger LOG = System.getLogger(TomcatConnection.class.getName());
    private static final String TOMCAT_UPGRADE = "org.apache.coyote.http11.upgrade.UpgradeProcessorExternal";

    private final WebConnection connection;
    private final ServletOutputStream output;
    /** Tomcat's socket wrapper and its processSocket(OPEN_READ, true); null when not reachable. */
    private final Object socket;
    private final Method processSocket;
    private final Object openRead;

    private TomcatConnection(WebConnection connection) throws IOException {
        this.connection = connection;
        this.output = new FlushingOutput(connection.getOutputStream(), this::halfClose);
        Object s = null;
        Method m = null;
        Object event = null;
        try {
            Field wrapper = connection.getClass().getDeclaredField("wrapper");
            wrapper.setAccessible(true);
            s = wrapper.get(connection);
            Class<?> eventType = Class.forName("org.apache.tomcat.util.net.SocketEvent", false, connection.getClass().getClassLoader());
            event = eventType.getField("OPEN_READ").get(null);
            m = s.getClass().getMethod("processSocket", eventType, boolean.class);
        } catch (ReflectiveOperationException | RuntimeException | LinkageError e) {
            LOG.log(System.Logger.Level.DEBUG, "Tomcat's read dispatch is not reachable; input cannot be paused: {0}", e.toString());
            s = null;
            m = null;
        }
        this.socket = s;
        this.processSocket = m;
        this.openRead = event;
    }

    /** The connection as the bridge should use it: wrapped on Tomcat, else as it is. */
    static WebConnection forContainer(WebConnection connection) throws IOException {
        return connection.getClass().getName().equals(TOMCAT_UPGRADE) ? new TomcatConnection(connection) : connection;
    }

    /** Whether this connection can resume paused input (the bridge pauses only then). */
    boolean canResume() {
        return processSocket != null;
    }

    /** Asks Tomcat to run onDataAvailable for this socket on its own thread; the task is not run (see the class comment). */
    @Override
    public void execute(Runnable ignored) {
        if (processSocket == null) {
            throw new RejectedExecutionException("Tomcat's read dispatch is not reachable");
        }
        try {
            processSocket.invoke(socket, openRead, true);
        } catch (ReflectiveOperationException e) {
            throw new RejectedExecutionException("Tomcat refused the read dispatch", e);
        }
    }

    /** Sends FIN on Tomcat's socket (see the class comment); without reflection, nothing. */
    private void halfClose() {
        if (socket == null) {
            return;
        }
        try {
            Object channel = socket.getClass().getMethod("getSocket").invoke(socket);
            Object io = channel.getClass().getMethod("getIOChannel").invoke(channel);
            if (io instanceof java.nio.channels.SocketChannel sc) {
                sc.shutdownOutput();
            }
        } catch (ReflectiveOperationException | IOException | RuntimeException e) {
            LOG.log(System.Logger.Level.DEBUG, "cannot half-close Tomcat's socket: {0}", e.toString());
        }
    }

    @Override
    public ServletInputStream getInputStream() throws IOException {
        return connection.getInputStream();
    }

    @Override
    public ServletOutputStream getOutputStream() {
        return output;
    }

    @Override
    public void close() throws Exception {
        connection.close();
    }

    private static final class FlushingOutput extends ServletOutputStream {
        private final ServletOutputStream out;
        private final Runnable afterClose;

        FlushingOutput(ServletOutputStream out, Runnable afterClose) {
            this.out = out;
            this.afterClose = afterClose;
        }

        @Override
        public void write(int b) throws IOException {
            out.write(b);
            flushIfReady();
        }

        @Override
        public void write(byte[] b, int off, int len) throws IOException {
            out.write(b, off, len);
            flushIfReady();
        }

        private void flushIfReady() throws IOException {
            if (out.isReady()) {
                out.flush();
            }
        }

        @Override
        public boolean isReady() {
            return out.isReady();
        }

        @Override
        public void setWriteListener(WriteListener listener) {
            out.setWriteListener(listener);
        }

        @Override
        public void flush() throws IOException {
            out.flush();
        }

        @Override
        public void close() throws IOException {
            out.close();
            afterClose.run();
        }
    }
}
