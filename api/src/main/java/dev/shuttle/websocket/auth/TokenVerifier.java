package dev.shuttle.websocket.auth;

import java.security.Principal;

/**
 * The application's check of a bearer token, e.g. a JWT's signature, expiry and audience.
 * It runs on the thread of the upgrade request and may block (a key fetch, a database).
 * <pre>{@code
 * TokenVerifier jwt = token -> {
 *     Claims c = parser.parse(token);          // throws on a bad signature: a 401 as well
 *     return c.expired() ? null : c::subject;  // a Principal is one method: getName()
 * };
 * }</pre>
 */
@FunctionalInterface
public interface TokenVerifier {
    /**
     * Checks a token. Returning {@code null} and throwing both refuse the upgrade with 401
     * {@code error="invalid_token"}; what is thrown is not logged beyond its class name, since
     * parsers like to quote the token in their messages.
     *
     * @param token the token as presented (syntax already checked: RFC 6750 b64token, bounded length)
     * @return who the token belongs to, or {@code null} when it is not valid
     * @throws Exception when the token cannot be verified
     */
    Principal verify(String token) throws Exception;
}
