package dev.shuttle.examples;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.fail;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.io.OutputStreamWriter;
import java.io.Writer;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/**
 * The broadcast example's page in a real browser: Debian's chromium driven by Playwright
 * ({@code src/test/browser/broadcast.mjs}, {@code playwright-core} from npm). Two tabs; a message
 * sent from one shows in both; the browser negotiated permessage-deflate; after the server
 * restarts on the same port both tabs reconnect by themselves and broadcast again; no console
 * error and no failed request outside the restart. A screenshot is left at
 * {@code examples/target/browser/broadcast.png}.
 * <p>
 * Needs {@code /usr/bin/chromium} and {@code node}/{@code npm} ({@code .ci/run} installs them
 * when missing); without them the test fails with the command that installs them. The npm
 * package is installed by the test itself ({@code npm ci} into {@code target/browser}).
 */
class BrowserTest {
    private static final Path SOURCES = Path.of("src/test/browser");
    private static final Path WORK = Path.of("target/browser");
    private static final Path CHROMIUM = Path.of("/usr/bin/chromium");
    private static final String INSTALL = "apt-get update && apt-get install -y chromium nodejs npm";

    @Test
    @Timeout(240)
    void broadcastPageInTwoTabsSurvivesARestart() throws Exception {
        if (!Files.isExecutable(CHROMIUM) || !onPath("node") || !onPath("npm")) {
            fail("the browser test needs /usr/bin/chromium, node and npm; install them with: " + INSTALL);
        }
        installPlaywright();
        Path screenshot = WORK.resolve("broadcast.png").toAbsolutePath();
        Files.deleteIfExists(screenshot);

        BroadcastExample first = new BroadcastExample();
        int port = first.start(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0)).port();
        BroadcastExample current = first;
        List<String> output = new ArrayList<>();
        Process node = new ProcessBuilder("node", "broadcast.mjs", "http://127.0.0.1:" + port + "/", screenshot.toString())
                .directory(WORK.toFile()).redirectErrorStream(true).start();
        try (BufferedReader out = new BufferedReader(new InputStreamReader(node.getInputStream(), StandardCharsets.UTF_8));
                Writer in = new OutputStreamWriter(node.getOutputStream(), StandardCharsets.UTF_8)) {
            String line;
            while ((line = out.readLine()) != null) {
                output.add(line);
                System.out.println("browser: " + line);
                if (line.equals("restart-server")) {
                    current.close(); // every tab gets 1001
                    current = new BroadcastExample();
                    current.start(new InetSocketAddress(InetAddress.getLoopbackAddress(), port));
                    in.write("restarted\n");
                    in.flush();
                }
            }
            assertTrue(node.waitFor(60, TimeUnit.SECONDS), "node did not exit");
        } finally {
            node.destroyForcibly();
            current.close();
        }
        assertEquals(0, node.exitValue(), "the browser script failed:\n" + String.join("\n", output));
        assertTrue(output.contains("restart-server"), "the script never asked for the restart: " + output);
        assertEquals("ok", output.get(output.size() - 1));
        assertTrue(Files.size(screenshot) > 0, "no screenshot at " + screenshot);
    }

    /** npm ci of the pinned playwright-core into target/browser, next to a copy of the script. */
    private static void installPlaywright() throws IOException, InterruptedException {
        Files.createDirectories(WORK);
        for (String file : List.of("package.json", "package-lock.json", "broadcast.mjs")) {
            Files.copy(SOURCES.resolve(file), WORK.resolve(file), StandardCopyOption.REPLACE_EXISTING);
        }
        if (Files.isDirectory(WORK.resolve("node_modules/playwright-core"))) {
            return;
        }
        Process npm = new ProcessBuilder("npm", "ci", "--no-audit", "--no-fund")
                .directory(WORK.toFile()).redirectErrorStream(true).start();
        String log = new String(npm.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        if (!npm.waitFor(180, TimeUnit.SECONDS) || npm.exitValue() != 0) {
            fail("npm ci in " + WORK + " failed:\n" + log);
        }
    }

    private static boolean onPath(String command) {
        String path = System.getenv("PATH");
        if (path == null) {
            return false;
        }
        for (String dir : path.split(java.io.File.pathSeparator)) {
            if (Files.isExecutable(Path.of(dir, command))) {
                return true;
            }
        }
        return false;
    }
}
