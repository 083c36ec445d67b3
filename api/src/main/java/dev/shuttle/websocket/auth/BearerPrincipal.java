package dev.shuttle.websocket.auth;

import java.security.Principal;
import java.util.Objects;

/**
 * Who a connection authenticated as: the name behind the token and the carrier it came in.
 * {@link BearerAuth} attaches it to the connection under {@link BearerAuth#PRINCIPAL_ATTRIBUTE};
 * read it with {@link BearerAuth#principal(dev.shuttle.websocket.WebSocket)}. It never holds the token.
 *
 * @param name the token's name: from a named list or file line, {@code token-N} for the N-th
 *             unnamed one, or {@link Principal#getName()} of what a {@link TokenVerifier} returned
 * @param carrier where the token was found
 * @param verified what the {@link TokenVerifier} returned (JWT claims, say), or {@code null}
 *                 for a token from a list or a file
 */
public record BearerPrincipal(String name, Carrier carrier, Principal verified) implements Principal {
    /**
     * Checks the parts.
     *
     * @param name the name, not null
     * @param carrier the carrier, not null
     * @param verified the verifier's principal, or null
     */
    public BearerPrincipal {
        Objects.requireNonNull(name, "name");
        Objects.requireNonNull(carrier, "carrier");
    }

    @Override
    public String getName() {
        return name;
    }
}
