package dev.shuttle.websocket.internal.io;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.ArrayList;
import java.util.List;
import java.util.ResourceBundle;
import java.util.concurrent.TimeUnit;

import org.junit.jupiter.api.Test;

/** SafeLog never throws out of a loop and does not repeat one message in a tight loop. */
class SafeLogTest {

    /** A logger that records lines, or throws what it is given instead. */
    private static final class TestLogger implements System.Logger {
        final List<String> lines = new ArrayList<>();
        Throwable toThrow;

        @Override
        public String getName() {
            return "test";
        }

        @Override
        public boolean isLoggable(Level level) {
            return true;
        }

        @Override
        public void log(Level level, ResourceBundle bundle, String msg, Throwable thrown) {
            if (toThrow instanceof Error e) {
                throw e;
            }
            if (toThrow instanceof RuntimeException e) {
                throw e;
            }
            lines.add(msg);
        }

        @Override
        public void log(Level level, ResourceBundle bundle, String format, Object... params) {
            log(level, bundle, format, (Throwable) null);
        }
    }

    private static String unique(String what) {
        return what + " " + System.nanoTime(); // slots are shared by the whole JVM
    }

    @Test
    void aLoggerThatThrowsAnErrorDoesNotEscape() {
        TestLogger logger = new TestLogger();
        logger.toThrow = new InternalError("Too many open files (loading time-zone data)");
        assertFalse(SafeLog.log(logger, System.Logger.Level.WARNING, unique("accept failed"), new java.io.IOException("EMFILE")));
        logger.toThrow = new OutOfMemoryError("formatting");
        assertFalse(SafeLog.log(logger, System.Logger.Level.WARNING, unique("accept failed"), null));
        logger.toThrow = new IllegalStateException("broken handler");
        assertFalse(SafeLog.log(logger, System.Logger.Level.WARNING, unique("accept failed"), null));
    }

    @Test
    void aRepeatWithinTheQuietPeriodIsCountedNotLogged() {
        TestLogger logger = new TestLogger();
        String m = unique("poller turn failed");
        long t0 = 1_000_000_000L;
        assertTrue(SafeLog.log(logger, System.Logger.Level.ERROR, m, null, t0));
        for (int i = 1; i <= 5; i++) {
            assertFalse(SafeLog.log(logger, System.Logger.Level.ERROR, m, null, t0 + i));
        }
        assertEquals(List.of(m), logger.lines);

        long later = t0 + SafeLog.QUIET_NANOS + TimeUnit.MILLISECONDS.toNanos(1);
        assertTrue(SafeLog.log(logger, System.Logger.Level.ERROR, m, null, later));
        assertEquals(m + " (5 similar lines skipped)", logger.lines.get(1));
    }

    @Test
    void differentMessagesAreEachLogged() {
        TestLogger logger = new TestLogger();
        String a = unique("a");
        String b = unique("b");
        assertTrue(SafeLog.log(logger, System.Logger.Level.INFO, a, null, 5));
        assertTrue(SafeLog.log(logger, System.Logger.Level.INFO, b, null, 5));
        assertEquals(List.of(a, b), logger.lines);
    }
}
