package dev.shuttle.websocket.internal.io;

import java.io.IOException;
import java.nio.channels.CancelledKeyException;
import java.nio.channels.ClosedChannelException;
import java.nio.channels.ClosedSelectorException;
import java.nio.channels.SelectableChannel;
import java.nio.channels.SelectionKey;
import java.nio.channels.Selector;
import java.time.Duration;
import java.util.Queue;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.locks.LockSupport;

import dev.shuttle.websocket.spi.Readiness;

/**
 * Readiness for non-blocking sockets (the built-in listener's and the client's ws:// sockets), so that a virtual thread can park until its
 * socket is readable (or writable) without holding a buffer and without a blocking read.
 * <p>
 * A few platform daemon threads each own a {@link Selector}. Only that thread touches its
 * selector's keys: other threads post a {@link Channel} to the loop's queue and call
 * {@code wakeup()}. When a key is ready, the loop removes the ready operations from its interest
 * set (one-shot, so an unread socket does not spin the loop) and unparks the thread waiting for
 * them; that thread arms the interest again the next time it has to wait.
 */
public final class Poller implements AutoCloseable {
    private static final System.Logger LOG = System.getLogger(Poller.class.getName());

    private final Loop[] loops;
    private final AtomicInteger next = new AtomicInteger();

    public Poller(String name, int threads) throws IOException {
        SafeLog.preload(); // the loops' failure path, loaded while loading still works
        loops = new Loop[threads];
        try {
            for (int i = 0; i < threads; i++) {
                loops[i] = new Loop(Selector.open());
            }
        } catch (IOException e) {
            close();
            throw e;
        }
        for (int i = 0; i < threads; i++) {
            loops[i].thread = Thread.ofPlatform().daemon().name(name + "-" + i).start(loops[i]);
        }
    }

    /** A poller thread per 8 cores, at least one: a selector thread serves tens of thousands of sockets. */
    public static int defaultThreads() {
        return Math.max(1, Math.min(4, Runtime.getRuntime().availableProcessors() / 8));
    }

    /** Adds a channel (already non-blocking); the selection key is made lazily by the loop thread. */
    public Channel register(SelectableChannel channel) {
        return new Channel(loops[Math.floorMod(next.getAndIncrement(), loops.length)], channel);
    }

    /** Stops the loop threads and closes their selectors; channels still registered are deregistered. */
    @Override
    public void close() {
        for (Loop loop : loops) {
            if (loop != null) {
                loop.closed = true;
                loop.selector.wakeup();
                if (loop.thread != null) {
                    LockSupport.unpark(loop.thread); // ends a pause after a failed turn
                }
            }
        }
        for (Loop loop : loops) {
            if (loop != null && loop.thread != null && loop.thread != Thread.currentThread()) {
                try {
                    loop.thread.join(Duration.ofSeconds(5));
                } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                    return;
                }
            }
        }
    }

    /**
     * One channel's readiness state: one reader and one writer may wait at a time (the Transport
     * contract), each through its own {@link Readiness}; the loop signals them.
     */
    public static final class Channel {
        private final Loop loop;
        private final SelectableChannel channel;
        /** Owned by the loop thread. */
        private SelectionKey key;
        /** Operations to add to the interest set at the loop's next turn; non-zero while queued. */
        private final AtomicInteger pending = new AtomicInteger();
        /** The waiters of OP_READ and OP_WRITE. */
        private final Readiness reader = new Readiness();
        private final Readiness writer = new Readiness();
        private volatile boolean closed;

        private Channel(Loop loop, SelectableChannel channel) {
            this.loop = loop;
            this.channel = channel;
        }

        /**
         * Parks the caller until {@code op} is ready, the channel is closed or the timeout passes.
         * With {@code once}, any unpark ends the wait too: the Transport contract lets the engine
         * unpark its reader to look at a timer.
         *
         * @param timeoutNanos 0 or less for no limit
         * @return whether {@code op} was seen ready
         * @throws IOException when the poller has stopped, so nothing would ever wake the caller
         */
        public boolean await(int op, long timeoutNanos, boolean once) throws IOException {
            Readiness waiter = op == SelectionKey.OP_READ ? reader : writer;
            // Interest is one-shot: only readiness seen after this arming counts.
            waiter.clear();
            arm(op);
            boolean timed = timeoutNanos > 0;
            long deadline = timed ? System.nanoTime() + timeoutNanos : 0;
            while (!closed) {
                if (loop.closed) {
                    throw new IOException("poller stopped");
                }
                long left = timed ? deadline - System.nanoTime() : 0;
                if (timed && left <= 0) {
                    return false;
                }
                if (waiter.await(left)) {
                    return true;
                }
                if (once) {
                    return false;
                }
            }
            return false;
        }

        /** Wakes the waiters and lets the loop drop the key (a registered channel's socket is only released by its selector). */
        public void close() {
            closed = true;
            reader.close();
            writer.close();
            loop.selector.wakeup();
        }

        private void arm(int op) {
            if (pending.getAndUpdate(p -> p | op) == 0) {
                loop.queue.offer(this);
            }
            loop.selector.wakeup();
        }

        /** Loop thread: readiness arrived (or the channel died: then wake everyone). */
        private void signal(int ops) {
            if ((ops & SelectionKey.OP_READ) != 0) {
                reader.signal();
            }
            if ((ops & SelectionKey.OP_WRITE) != 0) {
                writer.signal();
            }
        }

        /** Wakes a waiter without a signal, so that it looks again (the loop stopped). */
        private static void unpark(Readiness waiter) {
            waiter.wake();
        }
    }

    /**
     * One selector and its thread. Supervised: a failure while handling one channel fails that
     * channel only (its socket is closed and its waiters woken, so its connection ends); a failure
     * of a whole turn (select itself) is logged and retried after a short pause. Nothing a
     * connection does ends the loop; only {@link Poller#close()} does.
     */
    private static final class Loop implements Runnable {
        /** Pauses after a failed turn, so a broken selector does not spin a core. */
        private static final long FIRST_PAUSE_NANOS = TimeUnit.MILLISECONDS.toNanos(1);
        private static final long MAX_PAUSE_NANOS = TimeUnit.MILLISECONDS.toNanos(100);

        private final Selector selector;
        private final Queue<Channel> queue = new ConcurrentLinkedQueue<>();
        private volatile boolean closed;
        private Thread thread;

        Loop(Selector selector) {
            this.selector = selector;
        }

        @Override
        public void run() {
            Backoff backoff = new Backoff(FIRST_PAUSE_NANOS, MAX_PAUSE_NANOS);
            try {
                while (!closed) {
                    try {
                        turn();
                        backoff.reset();
                    } catch (ClosedSelectorException e) {
                        break; // only our own shutdown closes the selector
                    } catch (Throwable t) {
                        // Not one channel's fault (those are caught in apply and ready): the
                        // selector failed, or memory ran out between channels. Keep serving.
                        SafeLog.log(LOG, System.Logger.Level.ERROR, "poller turn failed; going on", t);
                        backoff.pause();
                    }
                }
            } finally {
                closed = true;
                shutdown();
            }
        }

        private void turn() throws IOException {
            for (Channel c; (c = queue.poll()) != null; ) {
                apply(c);
            }
            // Blocks until a key is ready or wakeup(); cancelled keys are flushed here too,
            // which is what finally closes the socket of a channel closed while registered.
            selector.select(this::ready);
        }

        /** Wakes every waiter, who then sees the loop closed and fails; closes the selector. */
        private void shutdown() {
            try {
                if (selector.isOpen()) {
                    for (SelectionKey key : selector.keys()) {
                        Channel c = (Channel) key.attachment();
                        Channel.unpark(c.reader);
                        Channel.unpark(c.writer);
                    }
                }
                selector.close();
            } catch (Throwable e) {
                SafeLog.log(LOG, System.Logger.Level.DEBUG, "closing a selector", e);
            }
            // Waiters whose wait was armed but never served would otherwise park until their
            // timeout; unparked, they see the loop closed and fail.
            for (Channel c; (c = queue.poll()) != null; ) {
                Channel.unpark(c.reader);
                Channel.unpark(c.writer);
            }
        }

        private void apply(Channel c) {
            int ops = c.pending.getAndSet(0);
            if (ops == 0) {
                return;
            }
            try {
                if (c.key == null) {
                    c.key = c.channel.register(selector, ops, c);
                } else {
                    c.key.interestOps(c.key.interestOps() | ops);
                }
            } catch (ClosedChannelException | CancelledKeyException e) {
                // Closed meanwhile: wake the waiters, they will find the channel closed.
                c.signal(ops);
            } catch (Throwable t) {
                fail(c, t);
            }
        }

        private void ready(SelectionKey key) {
            Channel c = (Channel) key.attachment();
            try {
                int ops;
                try {
                    ops = key.readyOps();
                    key.interestOps(key.interestOps() & ~ops);
                } catch (CancelledKeyException e) {
                    ops = SelectionKey.OP_READ | SelectionKey.OP_WRITE;
                }
                c.signal(ops);
            } catch (Throwable t) {
                fail(c, t);
            }
        }

        /**
         * Handling one channel threw (a bug, a channel in the wrong mode, out of memory): close its
         * socket and wake its waiters. Their next read or write sees the channel closed, so the
         * connection ends and releases what it holds (buffers, the listener's slot); the loop
         * goes on with the others. An OutOfMemoryError is handled the same way: the connection
         * that was being served gives its memory back instead of the loop dying.
         */
        private void fail(Channel c, Throwable t) {
            SafeLog.log(LOG, System.Logger.Level.ERROR, "a connection failed in the poller; closing it", t);
            try {
                if (c.key != null) {
                    c.key.cancel();
                }
            } catch (Throwable ignored) {
                // the close below cancels it too
            }
            try {
                c.channel.close();
            } catch (Throwable ignored) {
                // nothing else to release here; the waiters are woken below either way
            }
            try {
                c.signal(SelectionKey.OP_READ | SelectionKey.OP_WRITE);
            } catch (Throwable ignored) {
                // a waiter not woken here still sees the closed channel at its next turn
            }
        }
    }
}
