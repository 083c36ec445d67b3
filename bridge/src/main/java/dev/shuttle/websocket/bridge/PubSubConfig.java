package dev.shuttle.websocket.bridge;

import java.net.URI;
import java.util.Locale;
import java.util.Map;
import java.util.Objects;

/**
 * Which broker a runnable server bridges its hub to, read like nbio-websocket does:
 * <pre>
 * WS_PUBSUB_ENABLED=true|false          (default false: local only)
 * WS_PUBSUB_ADAPTER=local|redis|nats    (default local)
 * WS_REDIS_URL=redis://localhost:6379/0 (the default when the adapter is redis)
 * WS_NATS_URL=nats://localhost:4222     (the default when the adapter is nats)
 * WS_PUBSUB_CHANNEL=websocket.broadcast
 * </pre>
 * or from a {@code --pubsub nats://…|redis://…|local} option, whose scheme names the adapter.
 *
 * @param adapter the broker kind
 * @param url the broker's URL, {@code null} for {@link Adapter#LOCAL}
 * @param channel the channel every room is named under
 */
public record PubSubConfig(Adapter adapter, String url, String channel) {
    /** The default Redis URL. */
    public static final String DEFAULT_REDIS_URL = "redis://localhost:6379/0";
    /** The default NATS URL. */
    public static final String DEFAULT_NATS_URL = "nats://localhost:4222";

    /** The broker kinds. */
    public enum Adapter {
        /** No broker: one instance. */
        LOCAL,
        /** Redis pub/sub ({@code shuttle-redis}). */
        REDIS,
        /** NATS ({@code shuttle-nats}). */
        NATS
    }

    /** Local only. */
    public static final PubSubConfig LOCAL = new PubSubConfig(Adapter.LOCAL, null, BridgeBuilder.DEFAULT_CHANNEL);

    /**
     * Checks the parts.
     *
     * @param adapter the broker kind
     * @param url the URL, required unless local
     * @param channel the channel
     */
    public PubSubConfig {
        Objects.requireNonNull(adapter, "adapter");
        Objects.requireNonNull(channel, "channel");
        if (adapter != Adapter.LOCAL && (url == null || url.isBlank())) {
            throw new IllegalArgumentException(adapter + " needs a URL");
        }
        if (channel.isEmpty()) {
            throw new IllegalArgumentException("empty channel");
        }
    }

    /** {@return whether a broker is used} */
    public boolean enabled() {
        return adapter != Adapter.LOCAL;
    }

    /**
     * Reads the {@code WS_PUBSUB_*} variables.
     *
     * @param env the environment, e.g. {@code System.getenv()}
     * @return the configuration ({@link #LOCAL} when not enabled)
     * @throws IllegalArgumentException for an unknown adapter or an unparsable boolean
     */
    public static PubSubConfig fromEnvironment(Map<String, String> env) {
        String channel = env.getOrDefault("WS_PUBSUB_CHANNEL", BridgeBuilder.DEFAULT_CHANNEL);
        String enabled = env.getOrDefault("WS_PUBSUB_ENABLED", "false").trim().toLowerCase(Locale.ROOT);
        if (!enabled.equals("true") && !enabled.equals("false")) {
            throw new IllegalArgumentException("WS_PUBSUB_ENABLED must be true or false: " + enabled);
        }
        if (enabled.equals("false")) {
            return new PubSubConfig(Adapter.LOCAL, null, channel);
        }
        String adapter = env.getOrDefault("WS_PUBSUB_ADAPTER", "local").trim().toLowerCase(Locale.ROOT);
        return switch (adapter) {
            case "local" -> new PubSubConfig(Adapter.LOCAL, null, channel);
            case "redis" -> new PubSubConfig(Adapter.REDIS, env.getOrDefault("WS_REDIS_URL", DEFAULT_REDIS_URL), channel);
            case "nats" -> new PubSubConfig(Adapter.NATS, env.getOrDefault("WS_NATS_URL", DEFAULT_NATS_URL), channel);
            default -> throw new IllegalArgumentException("WS_PUBSUB_ADAPTER must be local, redis or nats: " + adapter);
        };
    }

    /**
     * Reads a {@code --pubsub} value: {@code nats://host:port}, {@code redis://host:port/db}
     * ({@code rediss://} for TLS), or {@code local}.
     *
     * @param value the option's value
     * @param channel the channel
     * @return the configuration
     * @throws IllegalArgumentException for another scheme or no host
     */
    public static PubSubConfig fromOption(String value, String channel) {
        String v = Objects.requireNonNull(value, "value").trim();
        if (v.equalsIgnoreCase("local")) {
            return new PubSubConfig(Adapter.LOCAL, null, channel);
        }
        URI uri;
        try {
            uri = URI.create(v);
        } catch (IllegalArgumentException e) {
            throw new IllegalArgumentException("not a URL: " + v);
        }
        String scheme = uri.getScheme() == null ? "" : uri.getScheme().toLowerCase(Locale.ROOT);
        if (uri.getHost() == null) {
            throw new IllegalArgumentException("no host in " + v);
        }
        return switch (scheme) {
            case "nats", "tls" -> new PubSubConfig(Adapter.NATS, v, channel);
            case "redis", "rediss" -> new PubSubConfig(Adapter.REDIS, v, channel);
            default -> throw new IllegalArgumentException("--pubsub takes nats://, redis:// or local: " + v);
        };
    }

    /** {@return the URL without user information, for logs} */
    public String safeUrl() {
        if (url == null) {
            return "local";
        }
        try {
            URI u = URI.create(url);
            return u.getUserInfo() == null ? url : url.replace(u.getRawUserInfo() + "@", "***@");
        } catch (IllegalArgumentException e) {
            return "(unparsable URL)";
        }
    }
}
