package dev.shuttle.websocket.testing;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ConcurrentLinkedQueue;

import jdk.jfr.consumer.RecordedEvent;
import jdk.jfr.consumer.RecordedFrame;
import jdk.jfr.consumer.RecordingStream;

/**
 * Records {@code jdk.VirtualThreadPinned} events (threshold 0, with stack traces) in a JFR
 * {@link RecordingStream} and keeps each event's frames as "class.method" strings.
 */
public final class PinningRecorder implements AutoCloseable {
    private static final String EVENT = "jdk.VirtualThreadPinned";

    private final RecordingStream stream = new RecordingStream();
    /** One entry per event: its stack, top frame first. */
    private final ConcurrentLinkedQueue<List<String>> events = new ConcurrentLinkedQueue<>();

    public PinningRecorder() {
        stream.enable(EVENT).withThreshold(Duration.ZERO).withStackTrace();
        stream.onEvent(EVENT, this::record);
        stream.startAsync();
    }

    private void record(RecordedEvent event) {
        List<String> stack = new ArrayList<>();
        if (event.getStackTrace() != null) {
            for (RecordedFrame frame : event.getStackTrace().getFrames()) {
                stack.add(frame.getMethod().getType().getName() + "." + frame.getMethod().getName());
            }
        }
        events.add(stack);
    }

    /** Stops recording and returns every pinned event seen (each a stack, top frame first). */
    public List<List<String>> stop() {
        stream.stop(); // flushes every recorded event to the handler
        return new ArrayList<>(events);
    }

    @Override
    public void close() {
        stream.close();
    }
}
