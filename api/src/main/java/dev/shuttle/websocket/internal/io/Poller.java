package dev.shuttle.websocket.internal.io;

import java.io.IOException;
import java.lang.invoke.MethodHandles;
import java.lang.invoke.VarHandle;
import java.nio.channels.CancelledKeyException;
import java.nio.channels.ClosedChannelException;
import java.nio.channels.ClosedSelectorException;
import java.nio.channels.SelectableChannel;
import java.nio.channels.SelectionKey;
import java.nio.channels.Selector;
import java.time.Duration;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.locks.LockSupport;

import dev.shuttle.websocket.spi.Readiness;

/**
 * Readiness for non-blocking sockets (the built-in listener's and the client's ws:// sockets), so that a virtual thread can park until its
 * socket is readable (or writable) without holding a buffer and without a blocking read.
 * <p>
 * A few platform daemon threads each own a {@link Selector}. Only that thread touches its
 * selector's keys: other threads push a {@link Channel} on the loop's stack and call
 * {@code wakeup()} only when the loop sleeps in {@code select}. When a key is ready, the loop
 * removes the ready operations from its interest set (one-shot, so an unread socket does not
 * spin the loop) and unparks the thread waiting for them, or runs the callback an idle reader
 * left instead ({@link Channel#handOverRead}); the waiter arms the interest again the next time
 * it has to wait.
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
        private static final VarHandle PENDING;

        static {
            try {
                PENDING = MethodHandles.lookup().findVarHandle(Channel.class, "pending", int.class);
            } catch (ReflectiveOperationException e) {
                throw new ExceptionInInitializerError(e);
            }
        }

        private final Loop loop;
        private final SelectableChannel channel;
        /** Owned by the loop thread. */
        private SelectionKey key;
        /** Operations to add to the interest set at the loop's next turn; non-zero while queued. */
        private volatile int pending;
        /** The next channel in the loop's stack of pending ones; written by the pusher, read by the loop. */
        private Channel nextPending;
        /** The waiters of OP_READ and OP_WRITE; the writer's only once a write had to wait. */
        private final Readiness reader = new Readiness();
        private volatile Readiness writer;
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
            Readiness waiter = op == SelectionKey.OP_READ ? reader : writer();
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
            Readiness w = writer;
            if (w != null) {
                w.close();
            }
            loop.selector.wakeup();
        }

        /**
         * Instead of waiting for OP_READ: runs {@code onReadable} (on the loop thread, or on the
         * closing thread) when the channel is readable or closed. False, with nothing installed,
         * when readiness is already there (the caller reads) or the poller has stopped.
         */
        public boolean handOverRead(Runnable onReadable) {
            if (loop.closed || !reader.handOver(onReadable)) {
                return false;
            }
            arm(SelectionKey.OP_READ); // usually armed already by the last wait; arming twice is harmless
            return true;
        }

        private Readiness writer() {
            Readiness w = writer;
            if (w == null) {
                // Only the current writer waits for OP_WRITE (one at a time), so no race creates two.
                writer = w = new Readiness();
                if (closed) {
                    w.close();
                }
            }
            return w;
        }

        private void arm(int op) {
            int before;
            do {
                before = pending;
            } while ((before & op) != op && !PENDING.compareAndSet(this, before, before | op));
            if (before == 0) {
                loop.push(this);
            }
        }

        /** Loop thread: readiness arrived (or the channel died: then wake everyone). */
        private void signal(int ops) {
            if ((ops & SelectionKey.OP_READ) != 0) {
                reader.signal();
            }
            Readiness w = writer;
            if ((ops & SelectionKey.OP_WRITE) != 0 && w != null) {
                w.signal();
            }
        }

        /** Wakes the waiters without a signal, so that they look again (the loop stopped). */
        private void unparkAll() {
            reader.wake();
            Readiness w = writer;
            if (w != null) {
                w.wake();
            }
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

        private static final VarHandle HEAD;

        static {
            try {
                HEAD = MethodHandles.lookup().findVarHandle(Loop.class, "head", Channel.class);
            } catch (ReflectiveOperationException e) {
                throw new ExceptionInInitializerError(e);
            }
        }

        private final Selector selector;
        /** Channels with interest to add: an intrusive stack (no node per arming), taken whole by the loop. */
        private volatile Channel head;
        /**
         * False only while the loop is in (or about to enter) a blocking select: an arming then
         * has to wake it. While it is awake it applies what is pushed before selecting again, so
         * under load most armings cost no wakeup (a syscall) at all.
         */
        private volatile boolean awake = true;
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

        /** Any thread: queues a channel whose pending interest was zero. */
        void push(Channel c) {
            Channel h;
            do {
                h = head;
                c.nextPending = h;
            } while (!HEAD.compareAndSet(this, h, c));
            // Dekker with turn(): we pushed, then read awake; it cleared awake, then reads head.
            if (h == null && !awake) {
                selector.wakeup();
            }
        }

        private void turn() throws IOException {
            applyPending();
            awake = false;
            if (head != null) {
                awake = true;
                selector.selectNow(this::ready);
            } else {
                // Blocks until a key is ready or wakeup(); cancelled keys are flushed here too,
                // which is what finally closes the socket of a channel closed while registered.
                selector.select(this::ready);
                awake = true;
            }
        }

        private void applyPending() {
            Channel c = (Channel) HEAD.getAndSet(this, null);
            while (c != null) {
                Channel next = c.nextPending; // read before apply: once pending is 0 it may be pushed again
                c.nextPending = null;
                apply(c);
                c = next;
            }
        }

        /** Wakes every waiter, who then sees the loop closed and fails; closes the selector. */
        private void shutdown() {
            try {
                if (selector.isOpen()) {
                    for (SelectionKey key : selector.keys()) {
                        Channel c = (Channel) key.attachment();
                        c.unparkAll();
                        c.reader.close(); // a handed-over reader callback runs and finds the channel dead
                    }
                }
                selector.close();
            } catch (Throwable e) {
                SafeLog.log(LOG, System.Logger.Level.DEBUG, "closing a selector", e);
            }
            // Waiters whose wait was armed but never served would otherwise park until their
            // timeout; unparked, they see the loop closed and fail.
            Channel c = (Channel) HEAD.getAndSet(this, null);
            while (c != null) {
                c.unparkAll();
                c.reader.close();
                c = c.nextPending;
            }
        }

        private void apply(Channel c) {
            int ops = (int) Channel.PENDING.getAndSet(c, 0);
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
