package dev.shuttle.examples;

import java.util.List;
import java.util.Map;

import dev.shuttle.websocket.bridge.BridgeBuilder;
import dev.shuttle.websocket.bridge.PubSubConfig;

/**
 * The parsed command line: {@code <echo|broadcast|rtt> [--host H] [--port N]}, or a request for
 * help. {@code broadcaster}, {@code echo-chamber} and {@code client} have command lines of their
 * own, dispatched by {@link Main} before this parser; {@link #USAGE} names them too. Parsing
 * is separate from running so that it can be tested without a socket.
 */
record Command(String example, String host, int port, boolean help, String transport, PubSubConfig pubSub, int history) {
    static final String USAGE = """
            usage: java -jar shuttle-examples.jar <echo|broadcast|rtt> [--host H] [--port N] [--transport T]
                   java -jar shuttle-examples.jar broadcast [--pubsub nats://…|redis://…] [--history N] [...]
                   java -jar shuttle-examples.jar broadcaster <listen_addr> [flags]
                   java -jar shuttle-examples.jar echo-chamber [<port> [<domain,…>]] [--host H] [--hall PREFIX:LIMITS]...
                   java -jar shuttle-examples.jar client <ws://…|wss://…> [--binary] [--compress] [--escapes] ...
              echo       echoes text as text and binary as binary
              broadcast  sends every message to every client, and a tick every second
              rtt        pings every client every 2 s and reports the round-trip time
              broadcaster   wsbroad on Shuttle: every message to a URL reaches every other client of it
              echo-chamber  websocket-echo-chamber's protocol: chambers by URL, IDs, presence, targets
              client        a command-line client: stdin lines out, messages received printed
                         (these three take their own flags; see '<command> --help')
              --host H   address to bind and to print (default localhost)
              --port N   port, 0 for any free one (default 8080)
              --transport T  the server under the WebSocket: builtin (default), jetty (Jetty 12 core),
                         servlet (the servlet filter on Jetty 12 ee10),
                         undertow (Undertow core), tomcat (the servlet filter on Tomcat 11)
              --pubsub URL   broadcast only: every instance on this broker (nats://host:port,
                         redis://host:port/db) relays to every other's clients (default WS_PUBSUB_*)
              --history N    broadcast only: keep N messages; each is delivered as EPOCH:OFFSET|message
                         and the page reconnects with ?since=EPOCH:OFFSET to get what it missed
            more commands, each with its own --help:
              hub [--host H] [--port N]  JSON-RPC 2.0 at /ws (broadcast, self.reply) as nbio-websocket,
                         configured by WS_PORT, WS_AUTH_ENABLED, WS_BEARER_TOKENS, WS_RATE_LIMIT_ENABLED, WS_PUBSUB_*""";

    static final List<String> EXAMPLES = List.of("echo", "broadcast", "rtt");
    static final String DEFAULT_HOST = "localhost";
    static final int DEFAULT_PORT = 8080;

    /** On the default transport. */
    Command(String example, String host, int port, boolean help) {
        this(example, host, port, help, Transports.DEFAULT);
    }

    /** Without a broker or a history. */
    Command(String example, String host, int port, boolean help, String transport) {
        this(example, host, port, help, transport, PubSubConfig.LOCAL, 0);
    }

    /** Thrown for anything the user must fix on the command line; Main turns it into exit code 2. */
    static final class UsageException extends Exception {
        UsageException(String message) {
            super(message);
        }
    }

    /** With the {@code WS_PUBSUB_*} variables of this process as the default of {@code --pubsub}. */
    static Command parse(String... args) throws UsageException {
        return parse(System.getenv(), args);
    }

    static Command parse(Map<String, String> env, String... args) throws UsageException {
        if (args.length == 0) {
            throw new UsageException("missing example name");
        }
        if (args[0].equals("-h") || args[0].equals("--help")) {
            return new Command(null, DEFAULT_HOST, DEFAULT_PORT, true);
        }
        String example = args[0];
        if (!EXAMPLES.contains(example)) {
            throw new UsageException("unknown example: " + example);
        }
        String host = DEFAULT_HOST;
        int port = DEFAULT_PORT;
        String transport = Transports.DEFAULT;
        String pubSubOption = null;
        int history = 0;
        for (int i = 1; i < args.length; i += 2) {
            String flag = args[i];
            if (flag.equals("-h") || flag.equals("--help")) {
                return new Command(example, host, port, true, transport);
            }
            if (i + 1 >= args.length) {
                throw new UsageException(flag.startsWith("--") ? "missing value for " + flag : "unexpected argument: " + flag);
            }
            String value = args[i + 1];
            switch (flag) {
                case "--host" -> host = host(value);
                case "--port" -> port = port(value);
                case "--transport" -> transport = transport(value);
                case "--pubsub" -> pubSubOption = broadcastOnly(example, flag, value);
                case "--history" -> history = history(broadcastOnly(example, flag, value));
                default -> throw new UsageException("unknown option: " + flag);
            }
        }
        PubSubConfig pubSub;
        try {
            pubSub = pubSubOption != null ? PubSubConfig.fromOption(pubSubOption, env.getOrDefault("WS_PUBSUB_CHANNEL", BridgeBuilder.DEFAULT_CHANNEL))
                    : example.equals("broadcast") ? PubSubConfig.fromEnvironment(env) : PubSubConfig.LOCAL;
        } catch (IllegalArgumentException e) {
            throw new UsageException((pubSubOption != null ? "--pubsub: " : "") + e.getMessage());
        }
        return new Command(example, host, port, false, transport, pubSub, history);
    }

    private static String broadcastOnly(String example, String flag, String value) throws UsageException {
        if (!example.equals("broadcast")) {
            throw new UsageException(flag + " is an option of broadcast only");
        }
        return value;
    }

    private static int history(String value) throws UsageException {
        try {
            int n = Integer.parseInt(value);
            if (n >= 0) {
                return n;
            }
        } catch (NumberFormatException e) {
            // reported below with the value
        }
        throw new UsageException("bad history: '" + value + "' (a count of messages, 0 for none)");
    }

    /** A new, not yet started example of this command. */
    Example newExample() {
        return switch (example) {
            case "echo" -> new EchoExample();
            case "broadcast" -> new BroadcastExample(pubSub, history);
            case "rtt" -> new RttExample();
            default -> throw new IllegalStateException("unknown example: " + example);
        };
    }

    private static String transport(String value) throws UsageException {
        if (!Transports.ALL.containsKey(value)) {
            throw new UsageException("unknown transport: '" + value + "' (" + String.join(", ", Transports.ALL.keySet()) + ")");
        }
        return value;
    }

    private static String host(String value) throws UsageException {
        if (value.isBlank() || value.startsWith("-")) {
            throw new UsageException("bad host: '" + value + "'");
        }
        return value;
    }

    private static int port(String value) throws UsageException {
        try {
            int port = Integer.parseInt(value);
            if (port >= 0 && port <= 65535) {
                return port;
            }
        } catch (NumberFormatException e) {
            // reported below with the value, which says more than the exception
        }
        throw new UsageException("bad port: '" + value + "' (0-65535)");
    }
}
