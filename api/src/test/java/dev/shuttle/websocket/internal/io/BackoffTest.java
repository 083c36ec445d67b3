package dev.shuttle.websocket.internal.io;

import static org.junit.jupiter.api.Assertions.assertEquals;

import org.junit.jupiter.api.Test;

/** The pause between failed tries of a loop: doubling, capped, back to the first after a success. */
class BackoffTest {

    @Test
    void backoffDoublesUpToItsCeilingAndResets() {
        Backoff b = new Backoff(10, 45);
        assertEquals(10, b.nextPauseNanos());
        b.pause();
        assertEquals(20, b.nextPauseNanos());
        b.pause();
        assertEquals(40, b.nextPauseNanos());
        b.pause();
        assertEquals(45, b.nextPauseNanos());
        b.pause();
        assertEquals(45, b.nextPauseNanos());
        b.reset();
        assertEquals(10, b.nextPauseNanos());
    }
}
