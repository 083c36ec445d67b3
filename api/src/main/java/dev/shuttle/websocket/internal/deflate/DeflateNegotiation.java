package dev.shuttle.websocket.internal.deflate;

import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Locale;
import java.util.Set;

import dev.shuttle.websocket.Compression;
import dev.shuttle.websocket.internal.deflate.ExtensionHeader.Extension;
import dev.shuttle.websocket.internal.deflate.ExtensionHeader.Param;

/**
 * permessage-deflate negotiation (RFC 7692 §5, §7.1) as pure functions over header values: the
 * server's choice among the client's offers, the client's offer, and the client's check of the
 * server's answer. Compressing is elsewhere ({@link DeflateCodec}); this class only agrees on
 * {@link DeflateParams}.
 * <p>
 * What we can honour: {@code java.util.zip.Deflater} always compresses with a 15-bit window, so
 * an agreement that limits <em>our</em> compressor to fewer bits is declined (server) or refused
 * (client); {@code Inflater} decompresses any window up to 15 bits, so limits on the peer's
 * compressor are always fine.
 */
public final class DeflateNegotiation {
    private static final String SERVER_NO_CONTEXT_TAKEOVER = "server_no_context_takeover";
    private static final String CLIENT_NO_CONTEXT_TAKEOVER = "client_no_context_takeover";
    private static final String SERVER_MAX_WINDOW_BITS = "server_max_window_bits";
    private static final String CLIENT_MAX_WINDOW_BITS = "client_max_window_bits";

    private DeflateNegotiation() {
    }

    // ---------------------------------------------------------------- server

    /**
     * The server's choice: the first {@code permessage-deflate} offer (in header order, §5.1) we
     * can honour, or null to go without compression (no Sec-WebSocket-Extensions in the 101).
     * An offer is declined when it is malformed, repeats or does not know a parameter, gives a
     * window size outside 8..15, or asks for {@code server_max_window_bits} below 15; the next one
     * is tried (§5.1: a client may send several offers, e.g. one with and one without a parameter).
     */
    public static DeflateParams select(List<String> requestHeaderValues, Compression config) {
        if (!config.enabled()) {
            return null;
        }
        for (Extension offer : ExtensionHeader.parse(requestHeaderValues)) {
            if (offer.valid() && DeflateParams.EXTENSION.equalsIgnoreCase(offer.name())) {
                DeflateParams accepted = accept(offer, config.lowMemory());
                if (accepted != null) {
                    return accepted;
                }
            }
        }
        return null;
    }

    /** The answer to one offer, or null to decline it. */
    static DeflateParams accept(Extension offer, boolean lowMemory) {
        Set<String> seen = new HashSet<>();
        boolean serverNoContextTakeover = false;
        for (Param p : offer.params()) {
            String name = p.name().toLowerCase(Locale.ROOT);
            if (!seen.add(name)) {
                return null; // §7.1: a parameter appears at most once in an offer
            }
            switch (name) {
                case SERVER_NO_CONTEXT_TAKEOVER -> {
                    if (p.value() != null) {
                        return null; // §7.1.1.1: no value
                    }
                    serverNoContextTakeover = true; // we must then agree (§7.1.1.1); we always can
                }
                case CLIENT_NO_CONTEXT_TAKEOVER -> {
                    if (p.value() != null) {
                        return null; // §7.1.1.2: no value
                    }
                    // A hint that the client resets its window anyway; acknowledged below.
                }
                case SERVER_MAX_WINDOW_BITS -> {
                    // §7.1.2.1: a value is required; we would have to compress within it, and
                    // Deflater only does 15 bits: decline anything smaller (the client may have
                    // a fallback offer without the limit).
                    int bits = windowBits(p.value());
                    if (bits != DeflateParams.MAX_WINDOW_BITS) {
                        return null;
                    }
                }
                case CLIENT_MAX_WINDOW_BITS -> {
                    // §7.1.2.2: the client may limit its own window, or (no value) lets us choose
                    // one. Inflater reads any window, so we never ask for a limit and answer
                    // without the parameter; only the value's syntax matters.
                    if (p.value() != null && windowBits(p.value()) < 0) {
                        return null;
                    }
                }
                default -> {
                    return null; // §7.1: an unknown parameter makes the offer unacceptable
                }
            }
        }
        // Low memory: the server may add server_no_context_takeover to any answer (§7.1.1.1), so
        // our compressors are pooled. client_no_context_takeover is echoed only when the client
        // offered it (then its inflater side is pooled too): §7.1.1.2 lets a server add it
        // unasked, but clients exist that ignore it (Jetty 12.1's keeps its window), which would
        // corrupt every message after the first; a window we keep costs only memory.
        boolean clientNoContextTakeover = seen.contains(CLIENT_NO_CONTEXT_TAKEOVER);
        return new DeflateParams(serverNoContextTakeover || lowMemory, clientNoContextTakeover,
                DeflateParams.MAX_WINDOW_BITS, DeflateParams.MAX_WINDOW_BITS, seen.contains(SERVER_MAX_WINDOW_BITS));
    }

    // ---------------------------------------------------------------- client

    /**
     * The client's offer, or null when compression is disabled. Without
     * {@code client_max_window_bits}: offering it would let the server cap our compressor's
     * window, which Deflater cannot honour (§7.1.2.2: without it the server must not send one).
     * Low memory asks for no context takeover in both directions.
     */
    public static String offer(Compression config) {
        if (!config.enabled()) {
            return null;
        }
        return config.lowMemory()
                ? DeflateParams.EXTENSION + "; " + SERVER_NO_CONTEXT_TAKEOVER + "; " + CLIENT_NO_CONTEXT_TAKEOVER
                : DeflateParams.EXTENSION;
    }

    /**
     * Checks the server's answer against our {@link #offer}: null when the server chose no
     * extension, the agreed parameters otherwise.
     *
     * @throws IllegalArgumentException (with the reason) when the answer must fail the
     *         connection (RFC 6455 §4.1 item 6, RFC 7692 §7.1): an extension we did not offer, a
     *         second permessage-deflate, a malformed, repeated or unknown parameter, a window
     *         size outside 8..15, {@code client_max_window_bits} (we never offer it), or a
     *         missing {@code server_no_context_takeover} that we asked for
     */
    public static DeflateParams validateAnswer(List<String> responseHeaderValues, Compression config) {
        List<Extension> answer = ExtensionHeader.parse(responseHeaderValues);
        if (answer.isEmpty()) {
            return null;
        }
        if (!config.enabled()) {
            throw new IllegalArgumentException("the server accepted an extension we did not offer: " + answer.get(0));
        }
        if (answer.size() > 1) {
            throw new IllegalArgumentException("the server accepted more than one extension: " + answer);
        }
        Extension ext = answer.get(0);
        if (!DeflateParams.EXTENSION.equalsIgnoreCase(ext.name())) {
            throw new IllegalArgumentException("the server accepted an extension we did not offer: " + ext.name());
        }
        if (!ext.valid()) {
            throw new IllegalArgumentException("malformed permessage-deflate answer: " + ext);
        }
        Set<String> seen = new HashSet<>();
        boolean serverNoContextTakeover = false;
        boolean clientNoContextTakeover = false;
        int serverBits = DeflateParams.MAX_WINDOW_BITS;
        for (Param p : ext.params()) {
            String name = p.name().toLowerCase(Locale.ROOT);
            if (!seen.add(name)) {
                throw new IllegalArgumentException("repeated parameter in the permessage-deflate answer: " + name);
            }
            switch (name) {
                case SERVER_NO_CONTEXT_TAKEOVER -> {
                    requireNoValue(p);
                    serverNoContextTakeover = true; // allowed unasked (§7.1.1.1); our inflater resets per message
                }
                case CLIENT_NO_CONTEXT_TAKEOVER -> {
                    requireNoValue(p);
                    clientNoContextTakeover = true; // §7.1.1.2: we must not use context takeover
                }
                case SERVER_MAX_WINDOW_BITS -> {
                    serverBits = windowBits(p.value());
                    if (serverBits < 0) {
                        throw new IllegalArgumentException("bad server_max_window_bits in the answer: " + p.value());
                    }
                }
                case CLIENT_MAX_WINDOW_BITS ->
                    // §7.1.2.2: not allowed unless offered, and we never offer it (Deflater cannot honour a limit).
                    throw new IllegalArgumentException("the server limited client_max_window_bits, which we did not offer");
                default -> throw new IllegalArgumentException("unknown permessage-deflate parameter in the answer: " + p.name());
            }
        }
        if (config.lowMemory() && !serverNoContextTakeover) {
            // §7.1.1.1: a server accepting an offer with server_no_context_takeover must include it.
            throw new IllegalArgumentException("the server did not agree to server_no_context_takeover");
        }
        return new DeflateParams(serverNoContextTakeover, clientNoContextTakeover || config.lowMemory(),
                serverBits, DeflateParams.MAX_WINDOW_BITS);
    }

    /**
     * {@link #validateAnswer(List, Compression)} against the offer as it was sent (the client's
     * handshake keeps only that string): the answer's permessage-deflate element, or null when
     * we did not offer it; a low-memory offer is recognised by its {@code server_no_context_takeover}.
     */
    public static DeflateParams validateAnswer(List<String> responseHeaderValues, String offered) {
        Extension ours = null;
        for (Extension e : ExtensionHeader.parse(offered == null ? List.of() : List.of(offered))) {
            if (DeflateParams.EXTENSION.equalsIgnoreCase(e.name())) {
                ours = e;
            }
        }
        List<String> answer = new ArrayList<>();
        for (Extension e : ExtensionHeader.parse(responseHeaderValues)) {
            if (DeflateParams.EXTENSION.equalsIgnoreCase(e.name())) {
                answer.add(e.toString());
            }
        }
        if (answer.isEmpty()) {
            return null;
        }
        boolean lowMemory = ours != null && ours.params().stream()
                .anyMatch(p -> p.name().equalsIgnoreCase(SERVER_NO_CONTEXT_TAKEOVER));
        Compression asOffered = ours == null ? Compression.disabled() : Compression.builder().lowMemory(lowMemory).build();
        return validateAnswer(answer, asOffered);
    }

    private static void requireNoValue(Param p) {
        if (p.value() != null) {
            throw new IllegalArgumentException(p.name() + " takes no value: " + p.value());
        }
    }

    /** §7.1.2: 1*DIGIT in 8..15, no leading zeros (§7.1.2.1); -1 otherwise. */
    static int windowBits(String value) {
        if (value == null || value.isEmpty() || value.length() > 2 || value.charAt(0) == '0') {
            return -1;
        }
        int bits = 0;
        for (int i = 0; i < value.length(); i++) {
            char c = value.charAt(i);
            if (c < '0' || c > '9') {
                return -1;
            }
            bits = bits * 10 + (c - '0');
        }
        return bits >= DeflateParams.MIN_WINDOW_BITS && bits <= DeflateParams.MAX_WINDOW_BITS ? bits : -1;
    }
}
