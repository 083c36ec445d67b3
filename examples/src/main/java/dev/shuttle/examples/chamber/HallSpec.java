package dev.shuttle.examples.chamber;

import java.util.List;
import java.util.Locale;
import java.util.Objects;

/**
 * One URL prefix under which chambers live, and its limits: what the reference's
 * {@code new EchoChamberHalls(prefix, domains, {MAX_QUEUE_ITEMS: …, …})} takes, written on the
 * command line as {@code PREFIX[:NAME=VALUE,…]} with the reference's own names, e.g.
 * {@code /p2/:MAX_QUEUE_ITEMS=0,MAX_QUEUE_DATA=0,CHAMBER_MAX_CONNECTIONS=2}.
 *
 * @param prefix                a request target ({@code path?query}) starting with it belongs here
 * @param maxQueueItems         MAX_QUEUE_ITEMS: frames a receiver holds back while another message is
 *                              in flight to it; beyond, the message in flight is cut short ({@code X})
 * @param maxQueueData          MAX_QUEUE_DATA: payload bytes of those held-back frames; same rule
 * @param headersMaxLength      HEADERS_MAX_LENGTH: a message's metadata line, its newline included,
 *                              must end within this many bytes, else the sender is closed with 4000
 * @param chamberMaxConnections CHAMBER_MAX_CONNECTIONS: members of one chamber; one more is closed
 *                              with 1013 right after the upgrade
 * @param maxChambers           MAX_CHAMBERS: chambers under this prefix; a connection that would
 *                              open one more is closed with 1013 right after the upgrade
 */
public record HallSpec(String prefix, int maxQueueItems, int maxQueueData, int headersMaxLength,
                       int chamberMaxConnections, int maxChambers) {
    /**
     * What the reference's {@code bin/server.js} starts, in its order (the first prefix that
     * matches wins): two-person chambers under {@code /p2/}, which need no queue, then the rest.
     */
    public static final List<HallSpec> REFERENCE_HALLS = List.of(
            new HallSpec("/p2/", 0, 0, 1024, 2, 512),
            new HallSpec("/", 1024, 16 * 1024, 1024, 64, 256));

    /** The reference's {@code EchoChamberHalls.DEFAULT_LIMITS}: what a {@code --hall} leaves out. */
    static final HallSpec REFERENCE_DEFAULTS = new HallSpec("/", 1024, 128 * 1024, 256, 64, 512);

    public HallSpec {
        Objects.requireNonNull(prefix, "prefix");
        if (!prefix.startsWith("/")) {
            throw new IllegalArgumentException("a prefix starts with '/': '" + prefix + "'");
        }
        if (maxQueueItems < 0 || maxQueueData < 0) {
            throw new IllegalArgumentException("queue limits must be 0 or more");
        }
        if (headersMaxLength < 1 || chamberMaxConnections < 1 || maxChambers < 1) {
            throw new IllegalArgumentException("HEADERS_MAX_LENGTH, CHAMBER_MAX_CONNECTIONS and MAX_CHAMBERS must be 1 or more");
        }
    }

    /** Parses {@code PREFIX[:NAME=VALUE,…]}; names left out take the reference's defaults. */
    public static HallSpec parse(String text) {
        int colon = text.indexOf(':');
        String prefix = colon < 0 ? text : text.substring(0, colon);
        int items = REFERENCE_DEFAULTS.maxQueueItems;
        int data = REFERENCE_DEFAULTS.maxQueueData;
        int headers = REFERENCE_DEFAULTS.headersMaxLength;
        int members = REFERENCE_DEFAULTS.chamberMaxConnections;
        int chambers = REFERENCE_DEFAULTS.maxChambers;
        if (colon >= 0) {
            for (String setting : text.substring(colon + 1).split(",", -1)) {
                int eq = setting.indexOf('=');
                if (eq <= 0) {
                    throw new IllegalArgumentException("expected NAME=VALUE, got '" + setting + "'");
                }
                String name = setting.substring(0, eq).trim().toUpperCase(Locale.ROOT);
                int value = number(name, setting.substring(eq + 1).trim());
                switch (name) {
                    case "MAX_QUEUE_ITEMS" -> items = value;
                    case "MAX_QUEUE_DATA" -> data = value;
                    case "HEADERS_MAX_LENGTH" -> headers = value;
                    case "CHAMBER_MAX_CONNECTIONS" -> members = value;
                    case "MAX_CHAMBERS" -> chambers = value;
                    default -> throw new IllegalArgumentException("unknown limit " + name
                            + " (MAX_QUEUE_ITEMS, MAX_QUEUE_DATA, HEADERS_MAX_LENGTH, CHAMBER_MAX_CONNECTIONS, MAX_CHAMBERS)");
                }
            }
        }
        return new HallSpec(prefix, items, data, headers, members, chambers);
    }

    private static int number(String name, String value) {
        try {
            return Integer.parseInt(value);
        } catch (NumberFormatException e) {
            throw new IllegalArgumentException(name + " is not a number: '" + value + "'");
        }
    }

    /** Back in the command-line form, every limit spelled out. */
    @Override
    public String toString() {
        return prefix + ":MAX_QUEUE_ITEMS=" + maxQueueItems + ",MAX_QUEUE_DATA=" + maxQueueData
                + ",HEADERS_MAX_LENGTH=" + headersMaxLength + ",CHAMBER_MAX_CONNECTIONS=" + chamberMaxConnections
                + ",MAX_CHAMBERS=" + maxChambers;
    }
}
