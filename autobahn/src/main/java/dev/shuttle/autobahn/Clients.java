package dev.shuttle.autobahn;

import java.net.URI;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Set;

/**
 * The WebSocket clients that can be driven against a fuzzingserver (the real one in docker, or
 * the in-repo {@link dev.shuttle.autobahn.runner.FuzzingServer}), by agent name. Shuttle's
 * {@code WebSocketClient} adds one line here when it lands on main; the {@code client} command
 * and the CI conformance test read this registry.
 */
public final class Clients {
    /**
     * Runs the fuzzingserver protocol: {@code /getCaseCount}, then {@code /runCase?case=N&agent=A}
     * for every case, echoing each message (text as text, binary as binary), then
     * {@code /updateReports?agent=A}. {@code base} is like {@code ws://127.0.0.1:9001}.
     */
    @FunctionalInterface
    public interface Driver {
        void run(URI base, String agent) throws Exception;
    }

    private static final Map<String, Driver> DRIVERS = new LinkedHashMap<>();

    static {
        DRIVERS.put("shuttle", ShuttleClientDriver::run);
    }

    private Clients() {
    }

    public static Set<String> names() {
        return DRIVERS.keySet();
    }

    public static Driver get(String name) {
        return DRIVERS.get(name);
    }
}
