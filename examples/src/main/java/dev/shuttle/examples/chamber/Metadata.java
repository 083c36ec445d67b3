package dev.shuttle.examples.chamber;

import java.nio.charset.StandardCharsets;
import java.util.Collections;
import java.util.LinkedHashSet;
import java.util.Set;

/**
 * The metadata line that starts every message a client sends: colon-separated items, each a
 * letter and its data, ended by a newline. Only {@code T} (targets) means something from a
 * client: {@code T22,18} (those IDs), {@code T*} (one other member), {@code T**} (everyone,
 * the sender included); several {@code T} items add up. Other items are ignored, as the
 * reference does. Pure: bytes in, targets out.
 */
final class Metadata {
    /** No {@code T} item: the message goes to every member except its sender. */
    static final Set<String> EVERYONE_ELSE = Set.of();
    static final String EVERYONE = "**";
    static final String ANY_ONE = "*";

    private Metadata() {
    }

    /**
     * The target items of a metadata line (without its newline), in order and without
     * duplicates: IDs as written, and {@link #EVERYONE} / {@link #ANY_ONE}. Empty means
     * {@link #EVERYONE_ELSE}. An ID is matched as written ({@code T07} names nobody).
     */
    static Set<String> targets(byte[] line, int length) {
        Set<String> targets = new LinkedHashSet<>();
        // -1 keeps empty items: "T," names the ID "", which is nobody, not "no targets".
        for (String item : new String(line, 0, length, StandardCharsets.UTF_8).split(":", -1)) {
            if (item.startsWith("T")) {
                Collections.addAll(targets, item.substring(1).split(",", -1));
            }
        }
        return targets.isEmpty() ? EVERYONE_ELSE : targets;
    }

    /** Index of the newline that ends the metadata in {@code bytes[from, to)}, or -1. */
    static int newline(byte[] bytes, int from, int to) {
        for (int i = from; i < to; i++) {
            if (bytes[i] == '\n') {
                return i;
            }
        }
        return -1;
    }
}
