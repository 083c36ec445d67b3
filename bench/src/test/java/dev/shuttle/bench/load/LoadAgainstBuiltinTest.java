package dev.shuttle.bench.load;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.util.HashMap;
import java.util.Map;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

import dev.shuttle.bench.Args;
import dev.shuttle.bench.server.Mode;
import dev.shuttle.bench.server.ShuttleServers;
import dev.shuttle.websocket.standalone.Listener;

/**
 * The load generator end to end against Shuttle's built-in listener, a few connections for a
 * short while: it must open every connection and count real echoes and deliveries, so that a
 * broken generator cannot pass for a slow server. Counts are checked for being non-zero and
 * consistent, never against a speed.
 */
@Timeout(120)
class LoadAgainstBuiltinTest {
    @Test
    void echoClosedLoopCountsRoundTrips() throws Exception {
        Map<String, String> r = run(Mode.ECHO, "--scenario", "echo-closed", "--connections", "3", "--size", "300");
        assertEquals("3", r.get("opened"));
        assertEquals("0", r.get("lost"));
        assertTrue(Double.parseDouble(r.get("msgs_per_s")) > 0, r.toString());
        assertTrue(r.containsKey("p50_us"), "latency recorded: " + r);
    }

    @Test
    void echoOpenLoopCountsEchoes() throws Exception {
        Map<String, String> r = run(Mode.ECHO, "--scenario", "echo-open", "--connections", "2", "--rate", "200", "--text");
        assertEquals("2", r.get("opened"));
        assertTrue(Double.parseDouble(r.get("msgs_per_s")) > 0, r.toString());
    }

    @Test
    void broadcastCountsDeliveriesWithLatency() throws Exception {
        Map<String, String> r = run(Mode.BROADCAST, "--scenario", "broadcast", "--connections", "3", "--window", "2");
        assertEquals("4", r.get("opened"), "3 subscribers and the publisher");
        assertTrue(Double.parseDouble(r.get("msgs_per_s")) > 0, r.toString());
        assertTrue(r.containsKey("p50_us"), "delivery latency from the payload's stamp: " + r);
    }

    @Test
    void idleOpensEveryConnection() throws Exception {
        // No --pid: jcmd cannot attach to a surefire fork (its SIGQUIT fallback would write a thread
        // dump into surefire's own channel); run.sh exercises the heap reading on real servers.
        Map<String, String> r = run(Mode.ECHO, "--scenario", "idle", "--connections", "50", "--settle", "0.2");
        assertEquals("50", r.get("opened"));
        assertEquals("0", r.get("failed"));
    }

    @Test
    void readsResidentSetSizeFromProc() {
        ServerStats.Sample s = ServerStats.sample(ProcessHandle.current().pid(), false);
        assertTrue(s.rssKb() > 0 && s.hwmKb() >= s.rssKb(), s.toString());
        assertTrue(ServerStats.cpuNanos(ProcessHandle.current().pid()) > 0);
    }

    private static Map<String, String> run(Mode mode, String... args) throws Exception {
        try (Listener listener = ShuttleServers.build(mode, 1 << 20).listen(new InetSocketAddress("127.0.0.1", 0))) {
            String[] all = new String[args.length + 6];
            System.arraycopy(args, 0, all, 0, args.length);
            System.arraycopy(new String[] {"--port", Integer.toString(listener.port()), "--warmup", "0.2", "--duration", "0.5"},
                    0, all, args.length, 6);
            ByteArrayOutputStream out = new ByteArrayOutputStream();
            int code = LoadMain.run(new Args(all, 0), new PrintStream(out, true, StandardCharsets.UTF_8));
            String text = out.toString(StandardCharsets.UTF_8);
            assertEquals(0, code, text);
            Map<String, String> result = new HashMap<>();
            for (String line : text.split("\n")) {
                if (line.startsWith("RESULT ")) {
                    for (String kv : line.substring(7).split(" ")) {
                        int eq = kv.indexOf('=');
                        result.put(kv.substring(0, eq), kv.substring(eq + 1));
                    }
                }
            }
            return result;
        }
    }
}
