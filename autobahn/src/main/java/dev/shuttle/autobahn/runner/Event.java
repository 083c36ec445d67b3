package dev.shuttle.autobahn.runner;

import java.nio.charset.StandardCharsets;
import java.util.Arrays;
import java.util.HexFormat;

/**
 * One observed event of a case, compared byte for byte with the expected ones: a whole message
 * (text or binary), a ping, a pong, or a "timeout" marker a case records when a wait passed with
 * the connection still open (the fail-fast UTF-8 cases 6.4.x).
 */
public final class Event {
    private final String kind;
    private final byte[] payload;
    private final boolean binary;

    private Event(String kind, byte[] payload, boolean binary) {
        this.kind = kind;
        this.payload = payload;
        this.binary = binary;
    }

    public static Event message(byte[] payload, boolean binary) {
        return new Event("message", payload, binary);
    }

    public static Event text(String payload) {
        return message(payload.getBytes(StandardCharsets.UTF_8), false);
    }

    public static Event ping(byte[] payload) {
        return new Event("ping", payload, false);
    }

    public static Event pong(byte[] payload) {
        return new Event("pong", payload, false);
    }

    public static Event pong(String payload) {
        return pong(payload.getBytes(StandardCharsets.UTF_8));
    }

    public static Event timeout(String tag) {
        return new Event("timeout", tag.getBytes(StandardCharsets.UTF_8), false);
    }

    public String kind() {
        return kind;
    }

    public byte[] payload() {
        return payload;
    }

    public boolean binary() {
        return binary;
    }

    @Override
    public boolean equals(Object o) {
        return o instanceof Event e && e.kind.equals(kind) && e.binary == binary && Arrays.equals(e.payload, payload);
    }

    @Override
    public int hashCode() {
        return kind.hashCode() * 31 + Arrays.hashCode(payload);
    }

    /** The report form: ["message", payload, binary], ["pong", payload], ["timeout", tag]. */
    public Object toJson() {
        String shown = show(payload);
        return kind.equals("message") ? java.util.List.of(kind, shown, binary) : java.util.List.of(kind, shown);
    }

    /** Printable payloads as text, others as hex; long ones cut like the suite's wire log (256). */
    static String show(byte[] b) {
        int n = Math.min(b.length, 256);
        String suffix = b.length > n ? " ... (" + b.length + " octets)" : "";
        String s = new String(b, 0, n, StandardCharsets.UTF_8);
        boolean printable = s.chars().allMatch(c -> c >= 0x20 && c != 0xfffd && c != 0x7f);
        return (printable ? s : "0x" + HexFormat.of().formatHex(b, 0, n)) + suffix;
    }

    @Override
    public String toString() {
        return toJson().toString();
    }
}
