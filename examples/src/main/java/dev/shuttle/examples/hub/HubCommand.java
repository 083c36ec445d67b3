package dev.shuttle.examples.hub;

import java.io.PrintStream;
import java.io.PrintWriter;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.Arrays;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.CountDownLatch;

import dev.shuttle.websocket.auth.BearerAuth;
import dev.shuttle.websocket.bridge.PubSubConfig;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/**
 * {@code java -jar shuttle-examples.jar hub [flags]}: nbio-websocket's hub server, configured by
 * its environment variables ({@code WS_PORT}, {@code WS_PUBSUB_*}, {@code WS_AUTH_ENABLED},
 * {@code WS_BEARER_TOKENS}, {@code WS_RATE_LIMIT_ENABLED}) or by flags, which win. Exit codes: 0
 * after a clean shutdown (SIGINT/SIGTERM) or {@code --help}, 1 when it cannot listen, 2 for a bad
 * command line or environment.
 */
@Command(name = "hub", sortOptions = false, usageHelpWidth = 100,
        customSynopsis = "java -jar shuttle-examples.jar hub [--host H] [--port N] [flags]",
        description = {"JSON-RPC 2.0 over WebSocket at /ws, as nbio-websocket: `broadcast` sends its params to every "
            + "client, `self.reply` echoes them to the caller. Each flag overrides its environment variable.", ""})
public final class HubCommand {
    static final int EXIT_OK = 0;
    static final int EXIT_FAILED = 1;
    static final int EXIT_USAGE = 2;

    @Option(names = "--host", paramLabel = "H", description = "address to bind (default localhost)")
    String host;

    @Option(names = "--port", paramLabel = "N", description = "port, 0 for any free one (default WS_PORT or 8080)")
    Integer port;

    @Option(names = "--pubsub", paramLabel = "URL",
            description = "nats://host:port, redis://host:port/db or local: turns pub/sub on with the adapter of the "
            + "URL's scheme (over WS_PUBSUB_ENABLED, WS_PUBSUB_ADAPTER and the broker URLs)")
    String pubSub;

    @Option(names = "--pubsub-enabled", arity = "0..1", paramLabel = "BOOL", description = "WS_PUBSUB_ENABLED")
    Boolean pubSubEnabled;

    @Option(names = "--pubsub-adapter", paramLabel = "NAME", description = "WS_PUBSUB_ADAPTER: local (default), redis or nats")
    String pubSubAdapter;

    @Option(names = "--redis-url", paramLabel = "URL", description = "WS_REDIS_URL (default redis://localhost:6379/0)")
    String redisUrl;

    @Option(names = "--nats-url", paramLabel = "URL", description = "WS_NATS_URL (default nats://localhost:4222)")
    String natsUrl;

    @Option(names = "--pubsub-channel", paramLabel = "NAME", description = "WS_PUBSUB_CHANNEL (default websocket.broadcast)")
    String pubSubChannel;

    @Option(names = "--history", paramLabel = "N",
            description = "WS_HISTORY_SIZE: keep the last N broadcasts (default 0, none); each then carries its "
            + "\"position\", and a client connecting to /ws?since=EPOCH:OFFSET gets what it missed first. With pub/sub "
            + "the history is the broker's (Redis Streams, NATS JetStream), so recovery works on any instance")
    Integer history;

    @Option(names = "--history-max-age-seconds", paramLabel = "S",
            description = "WS_HISTORY_MAX_AGE_SECONDS: how long a broadcast stays recoverable (default 600)")
    Double historyMaxAgeSeconds;

    @Option(names = "--auth-enabled", arity = "0..1", paramLabel = "BOOL",
            description = "WS_AUTH_ENABLED: require a bearer token (Authorization header, or a `bearer.<token>` subprotocol)")
    Boolean authEnabled;

    @Option(names = "--bearer-tokens", paramLabel = "T1,T2",
            description = "WS_BEARER_TOKENS: the accepted tokens, comma-separated. Other users of the machine can "
            + "read a command line: prefer the variable")
    String bearerTokens;

    @Option(names = "--rate-limit-enabled", arity = "0..1", paramLabel = "BOOL",
            description = "WS_RATE_LIMIT_ENABLED: per connection (messages beyond it get a -32000 error) and per address "
            + "(connections beyond it get 429)")
    Boolean rateLimitEnabled;

    @Option(names = "--rate-limit-messages", paramLabel = "N", description = "messages per second per connection (default 50)")
    Double messagesPerSecond;

    @Option(names = "--rate-limit-burst", paramLabel = "N", description = "messages at once per connection (default 100)")
    Double messageBurst;

    @Option(names = "--max-connections-per-address", paramLabel = "N",
            description = "open connections per remote address under the rate limit (default 100)")
    Integer connectionsPerAddress;

    @Option(names = "--new-connections-per-second", paramLabel = "N",
            description = "new connections per remote address per second under the rate limit (default 20)")
    Double newConnectionsPerSecond;

    @Option(names = "--shutdown-grace-seconds", paramLabel = "S",
            description = "on SIGTERM, how long clients get to answer the 1001 close (default 5)")
    Double shutdownGraceSeconds;

    @Option(names = {"-h", "--help"}, usageHelp = true, description = "show this help")
    boolean help;

    private HubCommand() {
    }

    /**
     * Parses, starts and serves until SIGINT/SIGTERM.
     *
     * @param args the arguments after {@code hub}
     * @param env the environment, e.g. {@code System.getenv()}
     * @param out where the help goes
     * @param err where errors and the start-up line go
     * @return the exit code
     * @throws InterruptedException when interrupted while serving
     */
    public static int run(String[] args, Map<String, String> env, PrintStream out, PrintStream err) throws InterruptedException {
        HubCommand command = new HubCommand();
        CommandLine line = new CommandLine(command);
        HubSettings settings;
        try {
            line.parseArgs(args);
            if (line.isUsageHelpRequested()) {
                line.usage(out);
                return EXIT_OK;
            }
            settings = command.settings(env);
        } catch (CommandLine.ParameterException | HubSettings.BadSettingException e) {
            err.println("error: " + e.getMessage());
            line.usage(new PrintWriter(err, true, StandardCharsets.UTF_8));
            return EXIT_USAGE;
        }
        HubServer server;
        try {
            server = HubServer.start(settings, err);
        } catch (Exception e) {
            err.println("error: cannot listen on " + settings.host() + ":" + settings.port() + ": " + e.getMessage());
            return EXIT_FAILED;
        }
        CountDownLatch stopped = new CountDownLatch(1);
        Runtime.getRuntime().addShutdownHook(Thread.ofPlatform().name("hub-shutdown").unstarted(() -> {
            server.close();
            stopped.countDown();
        }));
        stopped.await();
        return EXIT_OK;
    }

    /**
     * The settings of a command line and an environment, every check that needs no socket done.
     *
     * @param env the environment
     * @param args the flags
     * @return the settings
     * @throws HubSettings.BadSettingException for a bad value
     */
    public static HubSettings parse(Map<String, String> env, String... args) throws HubSettings.BadSettingException {
        HubCommand command = new HubCommand();
        try {
            new CommandLine(command).parseArgs(args);
        } catch (CommandLine.ParameterException e) {
            throw new HubSettings.BadSettingException(e.getMessage());
        }
        return command.settings(env);
    }

    HubSettings settings(Map<String, String> env) throws HubSettings.BadSettingException {
        int thePort = port != null ? HubSettings.checkPort(port, "--port")
                : orDefault(HubSettings.port(env, "WS_PORT"), HubSettings.DEFAULT_PORT);
        boolean pubSubOn = pubSubEnabled != null ? pubSubEnabled : orDefault(HubSettings.bool(env, "WS_PUBSUB_ENABLED"), false);
        String adapter = first(pubSubAdapter, env.get("WS_PUBSUB_ADAPTER"), HubSettings.DEFAULT_ADAPTER).toLowerCase(Locale.ROOT);
        if (!HubSettings.ADAPTERS.contains(adapter)) {
            throw new HubSettings.BadSettingException("WS_PUBSUB_ADAPTER (--pubsub-adapter) must be one of "
                    + HubSettings.ADAPTERS + ": " + adapter);
        }
        String redis = first(redisUrl, env.get("WS_REDIS_URL"), HubSettings.DEFAULT_REDIS_URL);
        String nats = first(natsUrl, env.get("WS_NATS_URL"), HubSettings.DEFAULT_NATS_URL);
        String channel = first(pubSubChannel, env.get("WS_PUBSUB_CHANNEL"), HubSettings.DEFAULT_CHANNEL);
        if (pubSub != null) {
            PubSubConfig config;
            try {
                config = PubSubConfig.fromOption(pubSub, channel);
            } catch (IllegalArgumentException e) {
                throw new HubSettings.BadSettingException("--pubsub: " + e.getMessage());
            }
            pubSubOn = config.enabled();
            switch (config.adapter()) {
                case LOCAL -> adapter = "local";
                case REDIS -> {
                    adapter = "redis";
                    redis = config.url();
                }
                case NATS -> {
                    adapter = "nats";
                    nats = config.url();
                }
            }
        }
        int historySize = history != null ? history : orDefault(HubSettings.integer(env, "WS_HISTORY_SIZE"), 0);
        if (historySize < 0) {
            throw new HubSettings.BadSettingException("--history (WS_HISTORY_SIZE) must not be negative: " + historySize);
        }
        Double maxAgeSeconds = historyMaxAgeSeconds != null ? historyMaxAgeSeconds : HubSettings.number(env, "WS_HISTORY_MAX_AGE_SECONDS");
        Duration historyMaxAge = maxAgeSeconds == null ? HubSettings.DEFAULT_HISTORY_MAX_AGE
                : Duration.ofMillis((long) (1000 * positive(maxAgeSeconds, 0, "--history-max-age-seconds")));
        boolean auth = authEnabled != null ? authEnabled : orDefault(HubSettings.bool(env, "WS_AUTH_ENABLED"), false);
        String tokenList = first(bearerTokens, env.get(BearerAuth.TOKENS_VARIABLE), null);
        List<String> tokens = tokenList == null ? List.of()
                : Arrays.stream(tokenList.split(",")).map(String::strip).filter(t -> !t.isEmpty()).toList();
        if (auth) {
            if (tokens.isEmpty()) {
                throw new HubSettings.BadSettingException("WS_AUTH_ENABLED=true needs at least one token in "
                        + BearerAuth.TOKENS_VARIABLE + " (or --bearer-tokens)");
            }
            try {
                BearerAuth.builder().tokens(tokens).build(); // the token syntax, checked before listening
            } catch (IllegalArgumentException e) {
                throw new HubSettings.BadSettingException(BearerAuth.TOKENS_VARIABLE + ": " + e.getMessage());
            }
        }
        boolean rateLimit = rateLimitEnabled != null ? rateLimitEnabled : orDefault(HubSettings.bool(env, "WS_RATE_LIMIT_ENABLED"), false);
        return new HubSettings(
                first(host, null, HubSettings.DEFAULT_HOST),
                thePort,
                pubSubOn, adapter, redis, nats, channel,
                historySize, historyMaxAge,
                auth, tokens,
                rateLimit,
                positive(messagesPerSecond, HubSettings.DEFAULT_MESSAGES_PER_SECOND, "--rate-limit-messages"),
                positive(messageBurst, HubSettings.DEFAULT_MESSAGE_BURST, "--rate-limit-burst"),
                (int) positive(connectionsPerAddress == null ? null : connectionsPerAddress.doubleValue(),
                        HubSettings.DEFAULT_CONNECTIONS_PER_ADDRESS, "--max-connections-per-address"),
                positive(newConnectionsPerSecond, HubSettings.DEFAULT_NEW_CONNECTIONS_PER_SECOND, "--new-connections-per-second"),
                shutdownGraceSeconds == null ? HubSettings.DEFAULT_SHUTDOWN_GRACE
                        : Duration.ofMillis((long) (1000 * positive(shutdownGraceSeconds, 0, "--shutdown-grace-seconds"))));
    }

    private static <T> T orDefault(T value, T otherwise) {
        return value != null ? value : otherwise;
    }

    private static String first(String flag, String variable, String otherwise) {
        if (flag != null) {
            return flag;
        }
        return variable != null && !variable.isBlank() ? variable.strip() : otherwise;
    }

    private static double positive(Double value, double otherwise, String flag) throws HubSettings.BadSettingException {
        if (value == null) {
            return otherwise;
        }
        if (!(value > 0) || value.isInfinite()) {
            throw new HubSettings.BadSettingException(flag + " must be a positive number: " + value);
        }
        return value;
    }
}
