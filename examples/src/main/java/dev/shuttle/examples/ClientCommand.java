package dev.shuttle.examples;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStream;
import java.io.InputStreamReader;
import java.io.PrintStream;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;

import dev.shuttle.websocket.CloseCode;
import dev.shuttle.websocket.Compression;
import dev.shuttle.websocket.WebSocket;
import dev.shuttle.websocket.WebSocketClient;
import dev.shuttle.websocket.WebSocketHandshakeException;

/**
 * {@code java -jar shuttle-examples.jar client ws://127.0.0.1:8080/ [--binary] [--compress] [--escapes] [--subprotocol P]... [--header K:V]...}:
 * a small wscat. Each line of stdin goes out as one text message (binary with {@code --binary});
 * every message received is printed on stdout, one per line: text as it is, binary as lower-case
 * hex. At the end of stdin it closes with 1000 and waits for the close handshake. Exit codes: 0
 * after a clean close (whoever started it), 1 when the connection fails or drops, 2 for a bad
 * command line.
 */
final class ClientCommand {
    static final String USAGE = """
            usage: java -jar shuttle-examples.jar client <ws://…|wss://…> [--binary] [--compress] [--escapes]
                                                         [--subprotocol P]... [--header K:V]...
              --binary      send each line as a binary message (its UTF-8 bytes)
              --compress    offer permessage-deflate
              --escapes     \\n in a line sent is a newline and \\\\ a backslash; newlines and
                            backslashes received are printed the same way (one message, one line)
              --subprotocol P  offer this subprotocol, e.g. echo (repeatable, preferred first)
              --header K:V  add a request header, e.g. --header "Authorization: Bearer x" (repeatable)
            Received text is printed as is, binary as hex; stdin EOF closes with 1000.""";

    /** The parsed command line. */
    record Args(URI uri, boolean binary, boolean compress, List<String[]> headers, boolean escapes, List<String> subprotocols) {
        Args(URI uri, boolean binary, boolean compress, List<String[]> headers) {
            this(uri, binary, compress, headers, false, List.of());
        }
    }

    private ClientCommand() {
    }

    static Args parse(String... args) throws Command.UsageException {
        URI uri = null;
        boolean binary = false;
        boolean compress = false;
        boolean escapes = false;
        List<String[]> headers = new ArrayList<>();
        List<String> subprotocols = new ArrayList<>();
        for (int i = 0; i < args.length; i++) {
            switch (args[i]) {
                case "--binary" -> binary = true;
                case "--compress" -> compress = true;
                case "--escapes" -> escapes = true;
                case "--subprotocol" -> {
                    if (++i == args.length) {
                        throw new Command.UsageException("missing value for --subprotocol");
                    }
                    subprotocols.add(args[i]);
                }
                case "--header" -> {
                    if (++i == args.length) {
                        throw new Command.UsageException("missing value for --header");
                    }
                    int colon = args[i].indexOf(':');
                    if (colon <= 0) {
                        throw new Command.UsageException("bad header '" + args[i] + "' (K:V)");
                    }
                    headers.add(new String[] {args[i].substring(0, colon).trim(), args[i].substring(colon + 1).trim()});
                }
                default -> {
                    if (args[i].startsWith("-") || uri != null) {
                        throw new Command.UsageException("unexpected argument: " + args[i]);
                    }
                    uri = uri(args[i]);
                }
            }
        }
        if (uri == null) {
            throw new Command.UsageException("missing ws:// or wss:// URI");
        }
        return new Args(uri, binary, compress, headers, escapes, subprotocols);
    }

    private static URI uri(String value) throws Command.UsageException {
        try {
            URI uri = new URI(value);
            if (("ws".equalsIgnoreCase(uri.getScheme()) || "wss".equalsIgnoreCase(uri.getScheme())) && uri.getHost() != null) {
                return uri;
            }
        } catch (java.net.URISyntaxException e) {
            // reported below
        }
        throw new Command.UsageException("not a ws:// or wss:// URI: " + value);
    }

    /** Runs the client until the connection is closed; returns the exit code (tests call this in-process). */
    static int run(String[] argv, InputStream stdin, PrintStream out, PrintStream err) {
        Args args;
        try {
            if (argv.length > 0 && (argv[0].equals("-h") || argv[0].equals("--help"))) {
                out.println(USAGE);
                return Main.EXIT_OK;
            }
            args = parse(argv);
        } catch (Command.UsageException e) {
            err.println("error: " + e.getMessage());
            err.println(USAGE);
            return Main.EXIT_USAGE;
        }
        CompletableFuture<Throwable> closed = new CompletableFuture<>();
        WebSocketClient.Builder builder = WebSocketClient.builder()
                .onData((c, isBinary, data) -> out.println(isBinary ? HexFormat.of().formatHex(data)
                        : printable(new String(data, StandardCharsets.UTF_8), args.escapes())))
                .onClose((c, code, reason, cause) -> {
                    err.println("closed " + code + (reason.isEmpty() ? "" : " " + reason) + (cause == null ? "" : " (" + cause + ")"));
                    closed.complete(cause);
                });
        try {
            for (String[] h : args.headers()) {
                builder.header(h[0], h[1]);
            }
            builder.subprotocols(args.subprotocols().toArray(String[]::new));
        } catch (IllegalArgumentException e) {
            err.println("error: " + e.getMessage());
            return Main.EXIT_USAGE;
        }
        if (args.compress()) {
            offerCompression(builder);
        }
        WebSocket ws;
        try {
            ws = builder.build().connect(args.uri());
        } catch (WebSocketHandshakeException e) {
            err.println("error: " + e.getMessage() + (e.status() > 0 ? " (status " + e.status() + ")" : ""));
            return Main.EXIT_FAILED;
        } catch (IOException | IllegalArgumentException e) {
            err.println("error: cannot connect to " + args.uri() + ": " + e);
            return Main.EXIT_FAILED;
        }
        if (args.compress()) {
            Map<String, List<String>> answer = ws.attribute(WebSocketClient.RESPONSE_HEADERS);
            List<String> extensions = answer.get("Sec-WebSocket-Extensions");
            err.println(extensions == null ? "note: the server declined permessage-deflate" : "compression: " + String.join(", ", extensions));
        }
        // stdin is read on its own (daemon) virtual thread, so a close by the server ends the
        // program even while a read of stdin is still blocked.
        Thread.ofVirtual().name("stdin").start(() -> pump(stdin, ws, args.binary(), args.escapes(), err));
        // onClose always runs, at the latest after the close timeout, so this wait ends.
        return closed.join() == null ? Main.EXIT_OK : Main.EXIT_FAILED;
    }

    /** Sends every line of stdin, then closes with 1000; the engine bounds the wait for the answer (closeTimeout). */
    private static void pump(InputStream stdin, WebSocket ws, boolean binary, boolean escapes, PrintStream err) {
        try (BufferedReader lines = new BufferedReader(new InputStreamReader(stdin, StandardCharsets.UTF_8))) {
            for (String read; (read = lines.readLine()) != null && ws.isOpen(); ) {
                String line = escapes ? unescape(read) : read;
                var result = binary ? ws.write(line.getBytes(StandardCharsets.UTF_8)) : ws.write(line);
                if (!result.isQueued()) {
                    err.println("not sent (" + result + "): " + line);
                }
            }
        } catch (IOException e) {
            err.println("error reading stdin: " + e);
        }
        ws.close(CloseCode.NORMAL, "");
    }

    /** {@code --escapes} on a line read: {@code \n} is a newline, {@code \\} a backslash, any other backslash stays. */
    static String unescape(String line) {
        StringBuilder b = new StringBuilder(line.length());
        for (int i = 0; i < line.length(); i++) {
            char c = line.charAt(i);
            if (c == '\\' && i + 1 < line.length() && (line.charAt(i + 1) == 'n' || line.charAt(i + 1) == '\\')) {
                b.append(line.charAt(++i) == 'n' ? '\n' : '\\');
            } else {
                b.append(c);
            }
        }
        return b.toString();
    }

    /** A received text as printed: as is, or with {@code --escapes} on one line. */
    static String printable(String text, boolean escapes) {
        return escapes ? text.replace("\\", "\\\\").replace("\n", "\\n") : text;
    }

    /** The one place where {@code --compress} meets the client: offer permessage-deflate (RFC 7692) with the defaults. */
    private static void offerCompression(WebSocketClient.Builder builder) {
        builder.compression(Compression.defaults());
    }
}
