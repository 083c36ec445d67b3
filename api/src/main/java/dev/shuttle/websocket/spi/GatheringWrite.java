package dev.shuttle.websocket.spi;

import java.io.IOException;
import java.io.InterruptedIOException;
import java.nio.ByteBuffer;
import java.nio.channels.ClosedChannelException;

/**
 * The one blocking write loop over a non-blocking sink, for {@link Transport#write}: write what
 * the sink takes now, and when it takes nothing, ask for writability and wait for it through the
 * direction's {@link Readiness}. The caller is the engine's current drainer (one at a time).
 * <pre>{@code
 * GatheringWrite.writeAll(buffers, channel::write, writable, this::armWrites);
 * }</pre>
 */
public final class GatheringWrite {
    private GatheringWrite() {
    }

    /** A non-blocking gathering write: the bytes taken now, possibly 0. */
    @FunctionalInterface
    public interface Sink {
        /**
         * Writes what the transport takes now.
         *
         * @param buffers the buffers
         * @param offset the first buffer with bytes
         * @param length how many buffers from there
         * @return bytes taken, possibly 0
         * @throws IOException when the transport failed
         */
        long writeSome(ByteBuffer[] buffers, int offset, int length) throws IOException;
    }

    /** Asks for one writability signal on the {@link Readiness} (e.g. resume writes, register OP_WRITE); may do nothing where a callback always follows. */
    @FunctionalInterface
    public interface Arm {
        /**
         * Asks for the next writability signal.
         *
         * @throws IOException when the transport failed
         */
        void arm() throws IOException;
    }

    /** A non-blocking step that says whether it is done (a flush). */
    @FunctionalInterface
    public interface Step {
        /**
         * Tries once without waiting.
         *
         * @return whether the step is done
         * @throws IOException when the transport failed
         */
        boolean tryNow() throws IOException;
    }

    /**
     * Writes every remaining byte of {@code buffers}, in order.
     *
     * @throws ClosedChannelException when {@code writable} is closed before the bytes are out
     * @throws InterruptedIOException when the calling thread is interrupted while waiting
     * @param buffers the bytes, in order
     * @param sink the non-blocking write
     * @param writable signalled when the transport may take bytes again
     * @param arm asks for that signal
     * @throws IOException when the sink or arm fails
     */
    public static void writeAll(ByteBuffer[] buffers, Sink sink, Readiness writable, Arm arm) throws IOException {
        int first = 0;
        while (true) {
            while (first < buffers.length && !buffers[first].hasRemaining()) {
                first++;
            }
            if (first == buffers.length) {
                return;
            }
            if (writable.isClosed()) {
                throw new ClosedChannelException();
            }
            if (sink.writeSome(buffers, first, buffers.length - first) == 0) {
                awaitWritable(writable, arm);
            }
        }
    }

    /**
     * Repeats {@code step} until it is done, waiting for writability between tries (a flush that the socket's send buffer holds back).
     *
     * @param step the non-blocking step
     * @param writable signalled when the transport may take bytes again
     * @param arm asks for that signal
     * @throws IOException when the step or arm fails, or {@code writable} is closed
     */
    public static void until(Step step, Readiness writable, Arm arm) throws IOException {
        while (true) {
            if (writable.isClosed()) {
                throw new ClosedChannelException();
            }
            if (step.tryNow()) {
                return;
            }
            awaitWritable(writable, arm);
        }
    }

    private static void awaitWritable(Readiness writable, Arm arm) throws IOException {
        arm.arm();
        writable.await(0);
        if (Thread.currentThread().isInterrupted()) {
            // A parked thread with its interrupt set would spin: give up (the status stays set).
            throw new InterruptedIOException("interrupted while waiting to write");
        }
    }
}
