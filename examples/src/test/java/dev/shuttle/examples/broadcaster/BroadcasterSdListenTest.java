package dev.shuttle.examples.broadcaster;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStream;
import java.io.InputStreamReader;
import java.io.UncheckedIOException;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

import dev.shuttle.websocket.testing.JdkClient;

/**
 * {@code broadcaster sd-listen} as a service manager starts it: a real process (this JVM's
 * {@code java} running {@code Main}) whose listening socket was made by another program. Perl
 * (perl-base, on every Debian system) plays the service manager: it binds a loopback port, puts
 * the socket on standard input (systemd's {@code StandardInput=socket}) or on descriptor 3 with
 * {@code LISTEN_FDS} (systemd's default), and execs the command.
 */
@Timeout(120)
class BroadcasterSdListenTest {
    private static final Duration WAIT = Duration.ofSeconds(30);
    /** ARGV: mode ("stdin" or "fd3"), then the command to exec. Prints the port first. */
    private static final String SERVICE_MANAGER = """
            BEGIN { $^F = 255 }  # keep every descriptor across exec
            use IO::Socket::INET; use POSIX ();
            my $mode = shift @ARGV;
            my $s = IO::Socket::INET->new(Listen => 16, LocalAddr => '127.0.0.1', LocalPort => 0, Proto => 'tcp')
                or die "listen: $!";
            $| = 1; print $s->sockport, "\\n";
            if ($mode eq 'stdin') { open(STDIN, '<&', $s) or die "dup: $!"; }
            else { POSIX::dup2(fileno($s), 3) or die "dup2: $!"; $ENV{LISTEN_FDS} = '1'; $ENV{LISTEN_PID} = $$; }
            exec @ARGV or die "exec: $!";
            """;

    @Test
    void servesTheSocketPassedOnStandardInput() throws Exception {
        try (Service service = Service.start("stdin", broadcaster())) {
            relaysAndLogs(service);
        }
    }

    @Test
    void servesDescriptor3MovedToStandardInputAsTheReadmeSays() throws Exception {
        List<String> command = new ArrayList<>(List.of("/bin/sh", "-c", "exec \"$@\" 0<&3", "sh"));
        command.addAll(broadcaster());
        try (Service service = Service.start("fd3", command)) {
            relaysAndLogs(service);
        }
    }

    @Test
    void descriptor3AloneFailsWithTheRecipe() throws Exception {
        try (Service service = Service.start("fd3", broadcaster())) {
            assertTrue(service.process.waitFor(WAIT.toSeconds(), TimeUnit.SECONDS), "exits by itself");
            assertEquals(1, service.process.exitValue());
            String error = service.stderr.poll(WAIT.toSeconds(), TimeUnit.SECONDS);
            assertTrue(error != null && error.startsWith("error: cannot listen on sd-listen: ") && error.contains("0<&3"),
                    String.valueOf(error));
        }
    }

    private static void relaysAndLogs(Service service) throws Exception {
        String ready = service.stderr.poll(WAIT.toSeconds(), TimeUnit.SECONDS);
        assertTrue(ready != null && ready.startsWith("broadcaster listening on 127.0.0.1:" + service.port), String.valueOf(ready));
        URI uri = URI.create("ws://127.0.0.1:" + service.port + "/sd");
        try (JdkClient a = JdkClient.connect(uri); JdkClient b = JdkClient.connect(uri)) {
            a.sendText("through the inherited socket");
            assertEquals("through the inherited socket", b.nextText());
        }
        assertTrue(service.nextLine().matches("\\+ 127\\.0\\.0\\.1:\\d+ -> /sd"));
        assertEquals("New URL: /sd", service.nextLine());
        assertTrue(service.nextLine().matches("\\+ 127\\.0\\.0\\.1:\\d+ -> /sd"));
    }

    /** {@code java -cp <this test's class path> dev.shuttle.examples.Main broadcaster sd-listen}. */
    private static List<String> broadcaster() {
        String java = ProcessHandle.current().info().command().orElseThrow();
        return List.of(java, "-cp", System.getProperty("java.class.path"), "dev.shuttle.examples.Main", "broadcaster", "sd-listen");
    }

    /** The process under the perl "service manager", its output lines queued by reader threads. */
    private static final class Service implements AutoCloseable {
        final Process process;
        final int port;
        final BlockingQueue<String> stdout = new LinkedBlockingQueue<>();
        final BlockingQueue<String> stderr = new LinkedBlockingQueue<>();

        private Service(Process process) throws InterruptedException {
            this.process = process;
            pump(process.getInputStream(), stdout);
            pump(process.getErrorStream(), stderr);
            String first = stdout.poll(WAIT.toSeconds(), TimeUnit.SECONDS);
            if (first == null || !first.matches("\\d+")) {
                throw new AssertionError("perl printed no port: " + first + " " + stderr);
            }
            port = Integer.parseInt(first);
        }

        static Service start(String mode, List<String> command) throws IOException, InterruptedException {
            List<String> all = new ArrayList<>(List.of("perl", "-e", SERVICE_MANAGER, mode));
            all.addAll(command);
            ProcessBuilder pb = new ProcessBuilder(all);
            pb.environment().remove("LISTEN_FDS");
            Process p = pb.start();
            try {
                return new Service(p);
            } catch (RuntimeException | Error | InterruptedException e) {
                p.destroyForcibly();
                throw e;
            }
        }

        String nextLine() throws InterruptedException {
            String line = stdout.poll(WAIT.toSeconds(), TimeUnit.SECONDS);
            if (line == null) {
                throw new AssertionError("no log line within " + WAIT + "; stderr: " + stderr);
            }
            return line;
        }

        private static void pump(InputStream in, BlockingQueue<String> lines) {
            Thread.ofVirtual().start(() -> {
                try (BufferedReader r = new BufferedReader(new InputStreamReader(in, StandardCharsets.UTF_8))) {
                    for (String line; (line = r.readLine()) != null; ) {
                        lines.add(line);
                    }
                } catch (IOException e) {
                    throw new UncheckedIOException(e);
                }
            });
        }

        /** SIGTERM (the broadcaster closes its clients with 1001), then a kill if it lingers. */
        @Override
        public void close() throws InterruptedException {
            process.destroy();
            if (!process.waitFor(WAIT.toSeconds(), TimeUnit.SECONDS)) {
                process.destroyForcibly().waitFor();
            }
        }
    }
}
