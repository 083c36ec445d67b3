package dev.shuttle.bench.soak;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;

/**
 * The client processes of one phase. Each is {@code bash -c 'ulimit -n SOFT; exec java ...
 * soak-client ...'}: the soft descriptor limit is raised before the JVM starts, and exec leaves
 * no shell between us and it. Their standard error is ours; their standard output is the small
 * protocol of {@link SoakClient} ({@code READY ...}, {@code DONE ...}).
 */
final class Children implements AutoCloseable {
    /** One client process and the lines it said. */
    private record Child(Process process, BufferedReader out, OutputStream in) {
    }

    private final List<Child> children = new ArrayList<>();

    /** Starts enough processes for {@code connections} at {@code perChild} each. */
    static Children start(Phase phase, String host, int port, int connections, int perChild, int fdSoftLimit)
            throws IOException {
        Children c = new Children();
        try {
            for (int left = connections; left > 0; left -= perChild) {
                c.children.add(startOne(phase, host, port, Math.min(left, perChild), fdSoftLimit));
            }
        } catch (IOException | RuntimeException e) {
            c.close();
            throw e;
        }
        return c;
    }

    int count() {
        return children.size();
    }

    private static Child startOne(Phase phase, String host, int port, int connections, int fdSoftLimit) throws IOException {
        String java = ProcessHandle.current().info().command().orElse(System.getProperty("java.home") + "/bin/java");
        String command = "ulimit -n " + fdSoftLimit + " && exec " + quote(java)
                + " -Xss256k -Xmx512m -XX:+UseSerialGC -cp " + quote(System.getProperty("java.class.path"))
                + " dev.shuttle.bench.Main soak-client --host " + quote(host) + " --port " + port
                + " --phase " + phase.label + " --connections " + connections;
        Process p = new ProcessBuilder("bash", "-c", command).redirectError(ProcessBuilder.Redirect.INHERIT).start();
        return new Child(p, new BufferedReader(new InputStreamReader(p.getInputStream(), StandardCharsets.US_ASCII)),
                p.getOutputStream());
    }

    /** Waits for every child's {@code READY} line; returns the total held and failed, and the first failure seen. */
    Ready awaitReady() throws IOException {
        int held = 0;
        int failed = 0;
        String first = null;
        for (Child c : children) {
            String line = expect(c, "READY");
            held += intField(line, "held=");
            failed += intField(line, "failed=");
            int at = line.indexOf(" first=");
            if (first == null && at >= 0) {
                first = line.substring(at + 7);
            }
        }
        return new Ready(held, failed, first);
    }

    /** What the children reported once their connections were set up. */
    record Ready(int held, int failed, String firstFailure) {
    }

    /** Tells every child to reset what it holds and exit; waits for them (bounded). */
    void end() throws IOException, InterruptedException {
        for (Child c : children) {
            c.in.write("END\n".getBytes(StandardCharsets.US_ASCII));
            c.in.flush();
        }
        for (Child c : children) {
            expect(c, "DONE");
            if (!c.process.waitFor(60, TimeUnit.SECONDS)) {
                throw new IOException("a client process did not exit");
            }
        }
    }

    /** The child's next line, which must start with {@code word}; a hung child ends by its own --max-seconds. */
    private static String expect(Child c, String word) throws IOException {
        String l = c.out.readLine();
        if (l == null || !l.startsWith(word)) {
            throw new IOException("client process " + c.process.pid() + ": expected " + word + ", got " + l);
        }
        return l;
    }

    private static int intField(String line, String name) {
        int at = line.indexOf(name);
        if (at < 0) {
            return 0;
        }
        int end = line.indexOf(' ', at);
        return Integer.parseInt(line.substring(at + name.length(), end < 0 ? line.length() : end));
    }

    private static String quote(String s) {
        return "'" + s.replace("'", "'\\''") + "'";
    }

    /** Kills whatever is still running (a failed run); a no-op after {@link #end()}. */
    @Override
    public void close() {
        for (Child c : children) {
            c.process.destroyForcibly();
        }
    }
}
