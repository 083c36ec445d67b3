package dev.shuttle.websocket.internal.deflate;

/**
 * The agreed parameters of permessage-deflate (RFC 7692 §7.1) for one connection, as both ends
 * understand them after the handshake. Window bits are 8..15 (15 when the parameter was absent).
 *
 * @param serverNoContextTakeover the server starts every message with an empty LZ77 window (§7.1.1.1)
 * @param clientNoContextTakeover the client does (§7.1.1.2)
 * @param serverMaxWindowBits     the largest window the server compresses with (§7.1.2.1)
 * @param clientMaxWindowBits     the largest window the client compresses with (§7.1.2.2)
 * @param serverMaxWindowBitsOffered the accepted offer named server_max_window_bits, so the answer
 *                                must carry it (§7.1.2.1), even at the default 15
 */
public record DeflateParams(boolean serverNoContextTakeover, boolean clientNoContextTakeover,
                            int serverMaxWindowBits, int clientMaxWindowBits, boolean serverMaxWindowBitsOffered) {
    public static final String EXTENSION = "permessage-deflate";
    /** §7.1.2: window bits are 8..15; 15 (32 KiB) is the default and the only one java.util.zip compresses with. */
    public static final int MIN_WINDOW_BITS = 8;
    public static final int MAX_WINDOW_BITS = 15;

    public DeflateParams {
        if (serverMaxWindowBits < MIN_WINDOW_BITS || serverMaxWindowBits > MAX_WINDOW_BITS
                || clientMaxWindowBits < MIN_WINDOW_BITS || clientMaxWindowBits > MAX_WINDOW_BITS) {
            throw new IllegalArgumentException("window bits must be 8..15");
        }
    }

    public DeflateParams(boolean serverNoContextTakeover, boolean clientNoContextTakeover,
                         int serverMaxWindowBits, int clientMaxWindowBits) {
        this(serverNoContextTakeover, clientNoContextTakeover, serverMaxWindowBits, clientMaxWindowBits, false);
    }

    /** Whether our own compressor resets its window after each message, for the given side. */
    public boolean sendNoContextTakeover(boolean server) {
        return server ? serverNoContextTakeover : clientNoContextTakeover;
    }

    /** Whether the peer resets its window after each message, so our decompressor may too. */
    public boolean receiveNoContextTakeover(boolean server) {
        return server ? clientNoContextTakeover : serverNoContextTakeover;
    }

    /**
     * The server's answer (§7.1): the no-context-takeover flags it agreed to; window bits when
     * they differ from the default 15 (never on our server, which declines them), and
     * server_max_window_bits whenever the offer named it (§7.1.2.1: accepting it means answering
     * with the same or a smaller value).
     */
    public String responseHeader() {
        StringBuilder sb = new StringBuilder(EXTENSION);
        if (serverNoContextTakeover) {
            sb.append("; server_no_context_takeover");
        }
        if (clientNoContextTakeover) {
            sb.append("; client_no_context_takeover");
        }
        if (serverMaxWindowBits != MAX_WINDOW_BITS || serverMaxWindowBitsOffered) {
            sb.append("; server_max_window_bits=").append(serverMaxWindowBits);
        }
        if (clientMaxWindowBits != MAX_WINDOW_BITS) {
            sb.append("; client_max_window_bits=").append(clientMaxWindowBits);
        }
        return sb.toString();
    }
}
