package dev.shuttle.websocket.auth;

import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.List;

/**
 * Known tokens, kept as SHA-256 digests with their names. A lookup hashes the presented token
 * and compares it with every digest using {@link MessageDigest#isEqual} and no early exit, so
 * neither the position of a match nor the length of a token shows in the time taken. Immutable.
 */
final class TokenSet {
    static final TokenSet EMPTY = new TokenSet(new byte[0][], new String[0]);

    private final byte[][] digests;
    private final String[] names;

    private TokenSet(byte[][] digests, String[] names) {
        this.digests = digests;
        this.names = names;
    }

    /** A named token, as configured. */
    record Entry(String name, String token) {
    }

    static TokenSet of(List<Entry> entries) {
        byte[][] digests = new byte[entries.size()][];
        String[] names = new String[entries.size()];
        for (int i = 0; i < digests.length; i++) {
            digests[i] = sha256(entries.get(i).token());
            names[i] = entries.get(i).name();
        }
        return new TokenSet(digests, names);
    }

    int size() {
        return digests.length;
    }

    /** The name of the token, or {@code null} when it is not one of these. */
    String match(String token) {
        byte[] presented = sha256(token);
        String found = null;
        for (int i = 0; i < digests.length; i++) {
            // No break: every entry is compared whatever matched.
            if (MessageDigest.isEqual(presented, digests[i]) && found == null) {
                found = names[i];
            }
        }
        return found;
    }

    static byte[] sha256(String token) {
        try {
            return MessageDigest.getInstance("SHA-256").digest(token.getBytes(StandardCharsets.UTF_8));
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException("every JDK has SHA-256", e);
        }
    }
}
