package dev.shuttle.websocket.testing;

import java.lang.reflect.Method;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.function.Consumer;

/**
 * Records {@code jdk.VirtualThreadPinned} events (threshold 0, with stack traces) in a JFR
 * {@code RecordingStream} and keeps each event's frames as "class.method" strings.
 * <p>
 * Reached through reflection because the tests are compiled into the module
 * {@code dev.shuttle.websocket}, which does not read {@code jdk.jfr}; core reflection needs no
 * readability. Everything used is public JFR API.
 */
public final class PinningRecorder implements AutoCloseable {
    private static final String EVENT = "jdk.VirtualThreadPinned";

    private final Object stream;
    private final Class<?> streamType;
    /** One entry per event: its stack, top frame first. */
    private final ConcurrentLinkedQueue<List<String>> events = new ConcurrentLinkedQueue<>();

    public PinningRecorder() throws Exception {
        streamType = Class.forName("jdk.jfr.consumer.RecordingStream");
        stream = streamType.getConstructor().newInstance();
        Class<?> settings = Class.forName("jdk.jfr.EventSettings");
        Object s = streamType.getMethod("enable", String.class).invoke(stream, EVENT);
        s = settings.getMethod("withThreshold", Duration.class).invoke(s, Duration.ZERO);
        settings.getMethod("withStackTrace").invoke(s);
        Class<?> recordedEvent = Class.forName("jdk.jfr.consumer.RecordedEvent");
        Method getStackTrace = recordedEvent.getMethod("getStackTrace");
        Method getFrames = Class.forName("jdk.jfr.consumer.RecordedStackTrace").getMethod("getFrames");
        Method getMethod = Class.forName("jdk.jfr.consumer.RecordedFrame").getMethod("getMethod");
        Class<?> recordedMethod = Class.forName("jdk.jfr.consumer.RecordedMethod");
        Method getType = recordedMethod.getMethod("getType");
        Method getName = recordedMethod.getMethod("getName");
        Method getClassName = Class.forName("jdk.jfr.consumer.RecordedClass").getMethod("getName");
        Consumer<Object> onEvent = event -> {
            List<String> stack = new ArrayList<>();
            try {
                Object trace = getStackTrace.invoke(event);
                if (trace != null) {
                    for (Object frame : (List<?>) getFrames.invoke(trace)) {
                        Object m = getMethod.invoke(frame);
                        stack.add(getClassName.invoke(getType.invoke(m)) + "." + getName.invoke(m));
                    }
                }
            } catch (ReflectiveOperationException e) {
                stack.add("unreadable: " + e);
            }
            events.add(stack);
        };
        streamType.getMethod("onEvent", String.class, Consumer.class).invoke(stream, EVENT, onEvent);
        streamType.getMethod("startAsync").invoke(stream);
    }

    /** Stops recording and returns every pinned event seen (each a stack, top frame first). */
    public List<List<String>> stop() throws Exception {
        try {
            streamType.getMethod("stop").invoke(stream); // JDK 20+: flushes every recorded event to the handlers
        } catch (NoSuchMethodException e) {
            streamType.getMethod("close").invoke(stream);
        }
        return new ArrayList<>(events);
    }

    @Override
    public void close() throws ReflectiveOperationException {
        streamType.getMethod("close").invoke(stream);
    }
}
