package dev.shuttle.websocket.standalone;

import java.text.MessageFormat;
import java.util.ResourceBundle;

/**
 * The logging of {@link FdLimitEchoServer}'s JVM (registered only in that child's jar): plain
 * lines on stderr, and for the accept loop's warning a line {@code ACCEPT-FAILED} on stdout, after
 * which the logger throws an {@code Error}, as the JDK's console logging did in issue 9 item 7
 * when it had to load time-zone data with no descriptor left. The accept loop must survive it.
 */
public final class FdLimitLoggerFinder extends System.LoggerFinder {
    static final String ACCEPT_FAILED = "ACCEPT-FAILED";

    @Override
    public System.Logger getLogger(String name, Module module) {
        return new Lines(name);
    }

    private record Lines(String name) implements System.Logger {
        @Override
        public String getName() {
            return name;
        }

        @Override
        public boolean isLoggable(Level level) {
            return level.getSeverity() >= Level.INFO.getSeverity();
        }

        @Override
        public void log(Level level, ResourceBundle bundle, String msg, Throwable thrown) {
            if (!isLoggable(level)) {
                return;
            }
            System.err.println("LOG " + level + " " + name + ": " + msg);
            if (thrown != null) {
                thrown.printStackTrace();
            }
            if (name.equals(Listener.class.getName()) && msg != null && msg.startsWith("accept failed")) {
                System.out.println(ACCEPT_FAILED);
                throw new Error("the logger failed too (simulated: no descriptor for its time-zone data)");
            }
        }

        @Override
        public void log(Level level, ResourceBundle bundle, String format, Object... params) {
            log(level, bundle, params == null || params.length == 0 ? format : MessageFormat.format(format, params), (Throwable) null);
        }
    }
}
