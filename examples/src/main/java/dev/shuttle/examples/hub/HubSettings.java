package dev.shuttle.examples.hub;

import java.time.Duration;
import java.util.List;
import java.util.Locale;
import java.util.Map;

import dev.shuttle.websocket.bridge.PubSubConfig;

/**
 * Everything the hub server is configured with, from nbio-websocket's environment variables and
 * the command line's flags (a flag wins over its variable). The tokens are never printed:
 * {@link #toString()} gives their count only.
 *
 * @param host where to bind (default localhost)
 * @param port the port, 0 for any free one (default 8080 or {@code WS_PORT})
 * @param pubSubEnabled {@code WS_PUBSUB_ENABLED}
 * @param pubSubAdapter {@code WS_PUBSUB_ADAPTER}: local, redis or nats
 * @param redisUrl {@code WS_REDIS_URL}
 * @param natsUrl {@code WS_NATS_URL}
 * @param pubSubChannel {@code WS_PUBSUB_CHANNEL}
 * @param history messages kept per room for clients that reconnect with {@code ?since=} (0: none)
 * @param historyMaxAge how long a kept message stays recoverable
 * @param authEnabled {@code WS_AUTH_ENABLED}
 * @param bearerTokens {@code WS_BEARER_TOKENS}, comma-separated
 * @param rateLimitEnabled {@code WS_RATE_LIMIT_ENABLED}
 * @param messagesPerSecond per connection, under the rate limit
 * @param messageBurst per connection, under the rate limit
 * @param connectionsPerAddress open connections per remote address at once, under the rate limit
 * @param newConnectionsPerSecond new connections per remote address per second, under the rate limit
 * @param shutdownGrace how long a shutdown waits for the clients' close frames (queues drain first)
 */
public record HubSettings(String host, int port,
                          boolean pubSubEnabled, String pubSubAdapter, String redisUrl, String natsUrl, String pubSubChannel,
                          int history, Duration historyMaxAge,
                          boolean authEnabled, List<String> bearerTokens,
                          boolean rateLimitEnabled, double messagesPerSecond, double messageBurst,
                          int connectionsPerAddress, double newConnectionsPerSecond,
                          Duration shutdownGrace) {
    public static final String DEFAULT_HOST = "localhost";
    public static final int DEFAULT_PORT = 8080;
    public static final String DEFAULT_ADAPTER = "local";
    public static final String DEFAULT_REDIS_URL = "redis://localhost:6379/0";
    public static final String DEFAULT_NATS_URL = "nats://localhost:4222";
    public static final String DEFAULT_CHANNEL = "websocket.broadcast";
    public static final double DEFAULT_MESSAGES_PER_SECOND = 50;
    public static final double DEFAULT_MESSAGE_BURST = 100;
    public static final int DEFAULT_CONNECTIONS_PER_ADDRESS = 100;
    public static final double DEFAULT_NEW_CONNECTIONS_PER_SECOND = 20;
    public static final Duration DEFAULT_SHUTDOWN_GRACE = Duration.ofSeconds(5);
    public static final Duration DEFAULT_HISTORY_MAX_AGE = Duration.ofMinutes(10);
    static final List<String> ADAPTERS = List.of("local", "redis", "nats");

    public HubSettings {
        bearerTokens = List.copyOf(bearerTokens);
    }

    /**
     * The broker the hub is bridged to, {@link PubSubConfig#LOCAL} unless pub/sub is enabled with
     * the redis or nats adapter.
     *
     * @return the configuration
     */
    public PubSubConfig pubSub() {
        if (!pubSubEnabled) {
            return new PubSubConfig(PubSubConfig.Adapter.LOCAL, null, pubSubChannel);
        }
        return switch (pubSubAdapter) {
            case "redis" -> new PubSubConfig(PubSubConfig.Adapter.REDIS, redisUrl, pubSubChannel);
            case "nats" -> new PubSubConfig(PubSubConfig.Adapter.NATS, natsUrl, pubSubChannel);
            default -> new PubSubConfig(PubSubConfig.Adapter.LOCAL, null, pubSubChannel);
        };
    }

    /** Thrown for a value the user must fix; the command answers with exit code 2. */
    public static final class BadSettingException extends Exception {
        BadSettingException(String message) {
            super(message);
        }
    }

    /** A boolean variable as nbio-websocket reads it: true or false (any case), 1 or 0; unset is the default. */
    static Boolean bool(Map<String, String> env, String name) throws BadSettingException {
        String v = env.get(name);
        if (v == null || v.isBlank()) {
            return null;
        }
        return switch (v.strip().toLowerCase(Locale.ROOT)) {
            case "true", "1" -> true;
            case "false", "0" -> false;
            default -> throw new BadSettingException(name + " must be true or false: " + v);
        };
    }

    static Integer port(Map<String, String> env, String name) throws BadSettingException {
        String v = env.get(name);
        if (v == null || v.isBlank()) {
            return null;
        }
        try {
            return checkPort(Integer.parseInt(v.strip()), name);
        } catch (NumberFormatException e) {
            throw new BadSettingException(name + " must be a port number: " + v);
        }
    }

    static Integer integer(Map<String, String> env, String name) throws BadSettingException {
        String v = env.get(name);
        if (v == null || v.isBlank()) {
            return null;
        }
        try {
            return Integer.parseInt(v.strip());
        } catch (NumberFormatException e) {
            throw new BadSettingException(name + " must be a whole number: " + v);
        }
    }

    static Double number(Map<String, String> env, String name) throws BadSettingException {
        String v = env.get(name);
        if (v == null || v.isBlank()) {
            return null;
        }
        try {
            return Double.parseDouble(v.strip());
        } catch (NumberFormatException e) {
            throw new BadSettingException(name + " must be a number: " + v);
        }
    }

    static int checkPort(int port, String name) throws BadSettingException {
        if (port < 0 || port > 65535) {
            throw new BadSettingException(name + " must be between 0 and 65535: " + port);
        }
        return port;
    }

    /** A broker URL may carry a password ({@code redis://:secret@host}): never print it. */
    static String withoutCredentials(String url) {
        return url == null ? null : url.replaceFirst("(?<=//)[^/@]*@", "***@");
    }

    @Override
    public String toString() {
        return "HubSettings[host=" + host + ", port=" + port + ", pubSubEnabled=" + pubSubEnabled
                + ", pubSubAdapter=" + pubSubAdapter + ", redisUrl=" + withoutCredentials(redisUrl) + ", natsUrl=" + withoutCredentials(natsUrl)
                + ", pubSubChannel=" + pubSubChannel + ", history=" + history + ", historyMaxAge=" + historyMaxAge
                + ", authEnabled=" + authEnabled
                + ", bearerTokens=" + bearerTokens.size() + " token(s), rateLimitEnabled=" + rateLimitEnabled
                + ", messagesPerSecond=" + messagesPerSecond + ", messageBurst=" + messageBurst
                + ", connectionsPerAddress=" + connectionsPerAddress
                + ", newConnectionsPerSecond=" + newConnectionsPerSecond + ", shutdownGrace=" + shutdownGrace + "]";
    }
}
