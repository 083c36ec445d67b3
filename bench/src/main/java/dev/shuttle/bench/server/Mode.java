package dev.shuttle.bench.server;

/** What every benchmark server does with a message: send it back, or send it to every connection (sender included). */
public enum Mode {
    ECHO, BROADCAST;

    static Mode parse(String s) {
        return switch (s) {
            case "echo" -> ECHO;
            case "broadcast" -> BROADCAST;
            default -> throw new IllegalArgumentException("--mode must be echo or broadcast: " + s);
        };
    }
}
