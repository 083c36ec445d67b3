package dev.shuttle.websocket.undertow;

import java.io.IOException;
import java.net.InetSocketAddress;
import java.nio.ByteBuffer;
import java.util.concurrent.atomic.AtomicInteger;

import dev.shuttle.websocket.spi.Transport;

/**
 * Passes every call to the adapter's transport and counts what the engine does with it: how
 * often it waited, and how often a read right after a wait found nothing (a wake-up without
 * readiness, which would make an idle connection borrow a read buffer for nothing).
 */
final class WatchedTransport implements Transport {
    final Transport delegate;
    final AtomicInteger waits = new AtomicInteger();
    final AtomicInteger reads = new AtomicInteger();
    final AtomicInteger emptyReadsAfterWait = new AtomicInteger();
    /** Reader thread only: whether the last call was awaitReadable. */
    private boolean justWaited;

    WatchedTransport(Transport delegate) {
        this.delegate = delegate;
    }

    @Override
    public int read(ByteBuffer dst) throws IOException {
        int n = delegate.read(dst);
        reads.incrementAndGet();
        if (justWaited && n == 0) {
            emptyReadsAfterWait.incrementAndGet();
        }
        justWaited = false;
        return n;
    }

    @Override
    public void awaitReadable(long timeoutNanos) throws IOException {
        waits.incrementAndGet();
        delegate.awaitReadable(timeoutNanos);
        justWaited = true;
    }

    @Override
    public void write(ByteBuffer[] buffers) throws IOException {
        delegate.write(buffers);
    }

    @Override
    public void shutdownOutput() throws IOException {
        delegate.shutdownOutput();
    }

    @Override
    public void close() {
        delegate.close();
    }

    @Override
    public InetSocketAddress remoteAddress() {
        return delegate.remoteAddress();
    }

    @Override
    public InetSocketAddress localAddress() {
        return delegate.localAddress();
    }

    @Override
    public boolean isSecure() {
        return delegate.isSecure();
    }
}
