package dev.shuttle.websocket.auth;

import java.nio.file.Path;
import java.security.Principal;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collection;
import java.util.EnumSet;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Set;

import dev.shuttle.websocket.HandshakeRequest;
import dev.shuttle.websocket.UpgradeHook;
import dev.shuttle.websocket.UpgradeRejectedException;
import dev.shuttle.websocket.WebSocket;
import dev.shuttle.websocket.internal.handshake.Handshake;

/**
 * Bearer-token authentication of the upgrade request (RFC 6750 for the header, the answer and
 * the error codes), as an {@link UpgradeHook}.
 * <pre>{@code
 * BearerAuth auth = BearerAuth.builder()
 *     .tokens(List.of(System.getenv("TOKEN")))    // or tokenFile(path), or verifier(jwt)
 *     .subprotocolCarrier()                      // browsers: new WebSocket(url, ["jsonrpc", "bearer." + token])
 *     .build();
 * WebSocketServer.builder()
 *     .subprotocols("jsonrpc")                   // never list a bearer.* protocol here
 *     .upgradeHook(auth.then(hub.upgradeHook(null)))
 * ...
 * BearerPrincipal who = BearerAuth.principal(connection);
 * }</pre>
 *
 * <h2>Carriers</h2>
 * Each is enabled explicitly ({@link Carrier}); only the {@code Authorization: Bearer} header is
 * on by default. With several present, the first enabled one in {@link Carrier}'s order is used;
 * a token in a carrier that is not enabled counts as no token.
 *
 * <h2>Answers</h2>
 * No token: 401 with {@code WWW-Authenticate: Bearer realm="…"}. A wrong token (unknown,
 * refused or thrown at by the verifier): 401 with {@code error="invalid_token"} added. A
 * malformed one (not an RFC 6750 {@code b64token}, longer than {@link Builder#maxTokenLength},
 * two {@code Authorization} lines or two {@code bearer.} offers): 400 with
 * {@code error="invalid_request"} (RFC 6750 §3.1). Neither the body nor a log line says
 * anything about the token; refusals are logged at DEBUG with the peer's address and carrier.
 *
 * <h2>Cost</h2>
 * One SHA-256 of the presented token and a constant-time comparison with every known digest
 * per upgrade; nothing per message. The principal is one attribute of the connection.
 * <p>Thread-safe and immutable; one instance may serve several servers.
 */
public final class BearerAuth implements UpgradeHook {
    /** The connection attribute holding the {@link BearerPrincipal}: {@value}. */
    public static final String PRINCIPAL_ATTRIBUTE = "shuttle.principal";
    /** The environment variable {@link Builder#fromEnvironment(Map)} reads: {@value}, comma-separated tokens. */
    public static final String TOKENS_VARIABLE = "WS_BEARER_TOKENS";
    /** The default query parameter of {@link Carrier#QUERY}: {@value} (RFC 6750 §2.3). */
    public static final String DEFAULT_QUERY_PARAMETER = "access_token";
    /** The default prefix of {@link Carrier#SUBPROTOCOL} entries: {@value}. */
    public static final String DEFAULT_SUBPROTOCOL_PREFIX = "bearer.";

    /** Not final: a test puts a recording logger here to show that no line carries a token. */
    static volatile System.Logger log = System.getLogger(BearerAuth.class.getName());

    private final TokenSet tokens;
    private final TokenFile file;
    private final TokenVerifier verifier;
    private final Set<Carrier> carriers;
    private final String subprotocolPrefix;
    private final String cookieName;
    private final String queryParameter;
    private final int maxTokenLength;
    private final String challenge;

    private BearerAuth(Builder b) {
        this.tokens = TokenSet.of(b.entries);
        this.file = b.file == null ? null : new TokenFile(b.file, b.fileCheck.toNanos());
        this.verifier = b.verifier;
        this.carriers = EnumSet.copyOf(b.carriers);
        this.subprotocolPrefix = b.subprotocolPrefix;
        this.cookieName = b.cookieName;
        this.queryParameter = b.queryParameter;
        this.maxTokenLength = b.maxTokenLength;
        this.challenge = "Bearer realm=\"" + b.realm + "\"";
    }

    /** {@return a builder; give it at least one token source} */
    public static Builder builder() {
        return new Builder();
    }

    /**
     * The principal the connection authenticated as.
     *
     * @param connection a connection accepted through a {@code BearerAuth}
     * @return the principal, or {@code null} when the connection was not authenticated by one
     */
    public static BearerPrincipal principal(WebSocket connection) {
        return connection.attribute(PRINCIPAL_ATTRIBUTE) instanceof BearerPrincipal p ? p : null;
    }

    /**
     * This check, then {@code next} (which sees the principal in its attributes map under
     * {@link #PRINCIPAL_ATTRIBUTE}), e.g. {@code auth.then(hub.upgradeHook(null))}. A hook taking
     * a {@code next} to run first, like {@code hub.upgradeHook(auth)}, composes as well.
     *
     * @param next the hook to run after a successful authentication
     * @return the combined hook
     */
    public UpgradeHook then(UpgradeHook next) {
        Objects.requireNonNull(next, "next");
        return (request, attributes) -> {
            onUpgrade(request, attributes);
            next.onUpgrade(request, attributes);
        };
    }

    @Override
    public void onUpgrade(HandshakeRequest request, Map<String, Object> attributes) throws UpgradeRejectedException {
        Presented presented = find(request);
        if (presented == null) {
            debug(request, null, "no token");
            throw refusal(401, null);
        }
        BearerPrincipal principal = verify(presented);
        if (principal == null) {
            debug(request, presented.carrier, "invalid token");
            throw refusal(401, "invalid_token");
        }
        attributes.put(PRINCIPAL_ATTRIBUTE, principal);
    }

    /** A token as found in the request, with its carrier. */
    private record Presented(Carrier carrier, String token) {
    }

    /** The first enabled carrier holding a value, or null; 400 for a malformed one. */
    private Presented find(HandshakeRequest request) throws UpgradeRejectedException {
        for (Carrier carrier : carriers) { // EnumSet: declaration order
            String value = switch (carrier) {
                case HEADER -> fromHeader(request);
                case SUBPROTOCOL -> fromSubprotocol(request);
                case QUERY -> request.queryParameter(queryParameter);
                case COOKIE -> request.cookies().get(cookieName);
            };
            if (value != null) {
                if (value.length() > maxTokenLength || !TokenSyntax.isB64Token(value)) {
                    debug(request, carrier, "malformed token");
                    throw refusal(400, "invalid_request");
                }
                return new Presented(carrier, value);
            }
        }
        return null;
    }

    private String fromHeader(HandshakeRequest request) throws UpgradeRejectedException {
        List<String> lines = request.headers("Authorization");
        if (lines.size() > 1) {
            // Which one would a proxy in front of us have checked? Refuse to guess.
            debug(request, Carrier.HEADER, "several Authorization headers");
            throw refusal(400, "invalid_request");
        }
        if (lines.isEmpty()) {
            return null;
        }
        String value = lines.get(0).strip();
        int space = value.indexOf(' ');
        String scheme = space < 0 ? value : value.substring(0, space);
        if (!scheme.equalsIgnoreCase("Bearer")) {
            return null; // another scheme (Basic, say): no bearer token
        }
        return space < 0 ? "" : value.substring(space + 1).strip();
    }

    private String fromSubprotocol(HandshakeRequest request) throws UpgradeRejectedException {
        String found = null;
        for (String offered : Handshake.tokens(request.headers("Sec-WebSocket-Protocol"))) {
            if (offered.startsWith(subprotocolPrefix)) {
                if (found != null) {
                    debug(request, Carrier.SUBPROTOCOL, "several bearer subprotocols");
                    throw refusal(400, "invalid_request");
                }
                found = offered.substring(subprotocolPrefix.length());
            }
        }
        return found;
    }

    private BearerPrincipal verify(Presented p) {
        String name = tokens.match(p.token);
        if (name == null && file != null) {
            name = file.tokens().match(p.token);
        }
        if (name != null) {
            return new BearerPrincipal(name, p.carrier, null);
        }
        if (verifier == null) {
            return null;
        }
        Principal verified;
        try {
            verified = verifier.verify(p.token);
        } catch (Exception e) {
            // The class only: token parsers put the token into their messages.
            log.log(System.Logger.Level.DEBUG, "token verifier threw {0}", e.getClass().getName());
            return null;
        }
        if (verified == null || verified.getName() == null) {
            return null;
        }
        return new BearerPrincipal(verified.getName(), p.carrier, verified);
    }

    private UpgradeRejectedException refusal(int status, String error) {
        String header = error == null ? challenge : challenge + ", error=\"" + error + "\"";
        return new UpgradeRejectedException(status, status == 401 ? "unauthorized" : "bad request")
                .header("WWW-Authenticate", header);
    }

    private static void debug(HandshakeRequest request, Carrier carrier, String why) {
        if (log.isLoggable(System.Logger.Level.DEBUG)) {
            log.log(System.Logger.Level.DEBUG, "bearer authentication refused for {0} ({1}): {2}",
                    request.remoteAddress(), carrier == null ? "no carrier" : carrier, why);
        }
    }

    /** Builder of {@link BearerAuth}: token sources, carriers and the realm. */
    public static final class Builder {
        private final List<TokenSet.Entry> entries = new ArrayList<>();
        private final EnumSet<Carrier> carriers = EnumSet.of(Carrier.HEADER);
        private int unnamed;
        private Path file;
        private Duration fileCheck = Duration.ofSeconds(1);
        private TokenVerifier verifier;
        private String subprotocolPrefix = DEFAULT_SUBPROTOCOL_PREFIX;
        private String cookieName;
        private String queryParameter = DEFAULT_QUERY_PARAMETER;
        private int maxTokenLength = 4096;
        private String realm = "shuttle";

        private Builder() {
        }

        /**
         * A builder with the tokens of {@value #TOKENS_VARIABLE} (comma-separated, blanks around
         * them ignored), as nbio-websocket's hub server reads them; carriers as by default.
         *
         * @param environment the environment, e.g. {@code System.getenv()}
         * @return the builder
         * @throws IllegalArgumentException when the variable is unset or lists no token
         */
        public static Builder fromEnvironment(Map<String, String> environment) {
            String value = environment.get(TOKENS_VARIABLE);
            List<String> list = new ArrayList<>();
            if (value != null) {
                for (String t : value.split(",")) {
                    if (!t.isBlank()) {
                        list.add(t.strip());
                    }
                }
            }
            if (list.isEmpty()) {
                throw new IllegalArgumentException(TOKENS_VARIABLE + " is unset or lists no token");
            }
            return new Builder().tokens(list);
        }

        /**
         * Accepts these tokens; the N-th unnamed one given to this builder is named {@code token-N} in its {@link BearerPrincipal}.
         *
         * @param tokens RFC 6750 {@code b64token}s
         * @return this builder
         * @throws IllegalArgumentException for a token of another syntax (the message says which position, not the token)
         */
        public Builder tokens(Collection<String> tokens) {
            int i = 0;
            for (String t : tokens) {
                i++;
                add("token-" + ++unnamed, t, "token " + i);
            }
            return this;
        }

        /**
         * Accepts these tokens under their names (name to token).
         *
         * @param namedTokens name to token
         * @return this builder
         * @throws IllegalArgumentException for a token of another syntax (the message names it, not the token)
         */
        public Builder tokens(Map<String, String> namedTokens) {
            namedTokens.forEach((name, token) -> add(Objects.requireNonNull(name, "name"), token, "the token of " + name));
            return this;
        }

        private void add(String name, String token, String which) {
            if (token == null || !TokenSyntax.isB64Token(token)) {
                throw new IllegalArgumentException(which + " is not an RFC 6750 b64token");
            }
            entries.add(new TokenSet.Entry(name, token));
        }

        /**
         * Accepts the tokens of a file: one per line as {@code token} or {@code name token},
         * {@code #} comment lines and blank lines ignored. The file is checked for changes at
         * most once a second, lazily on an upgrade, and re-read when it changed; when it is
         * deleted no token of it is accepted. It must be readable when {@link #build()} runs.
         *
         * @param path the file
         * @return this builder
         */
        public Builder tokenFile(Path path) {
            return tokenFile(path, Duration.ofSeconds(1));
        }

        /**
         * {@link #tokenFile(Path)} with the interval between checks for changes.
         *
         * @param path the file
         * @param checkEvery at most one look at the file per this interval; zero looks on every upgrade
         * @return this builder
         */
        public Builder tokenFile(Path path, Duration checkEvery) {
            if (checkEvery.isNegative()) {
                throw new IllegalArgumentException("checkEvery must not be negative");
            }
            this.file = Objects.requireNonNull(path, "path");
            this.fileCheck = checkEvery;
            return this;
        }

        /**
         * Asks this verifier about tokens that are in no list or file (e.g. JWTs).
         *
         * @param verifier the application's check
         * @return this builder
         */
        public Builder verifier(TokenVerifier verifier) {
            this.verifier = Objects.requireNonNull(verifier, "verifier");
            return this;
        }

        /**
         * Enables or disables the {@code Authorization: Bearer} header (on by default).
         *
         * @param enabled whether the header carries tokens
         * @return this builder
         */
        public Builder headerCarrier(boolean enabled) {
            if (enabled) {
                carriers.add(Carrier.HEADER);
            } else {
                carriers.remove(Carrier.HEADER);
            }
            return this;
        }

        /**
         * Enables the {@code Sec-WebSocket-Protocol} carrier with the prefix {@code bearer.}.
         * A browser offers {@code ["jsonrpc", "bearer." + token]}; the server must select a real
         * subprotocol (browsers fail a handshake whose 101 selects none after they offered some)
         * and never selects the {@code bearer.} entry as long as no such name is in
         * {@code WebSocketServer.Builder.subprotocols}. Subprotocol names are HTTP tokens, so
         * this carrier suits tokens without {@code /} and {@code =} (base64url, JWTs).
         *
         * @return this builder
         */
        public Builder subprotocolCarrier() {
            return subprotocolCarrier(DEFAULT_SUBPROTOCOL_PREFIX);
        }

        /**
         * {@link #subprotocolCarrier()} with another prefix.
         *
         * @param prefix what precedes the token, e.g. {@code "bearer."}
         * @return this builder
         */
        public Builder subprotocolCarrier(String prefix) {
            if (prefix == null || prefix.isEmpty()) {
                throw new IllegalArgumentException("prefix must not be empty");
            }
            this.subprotocolPrefix = prefix;
            carriers.add(Carrier.SUBPROTOCOL);
            return this;
        }

        /**
         * Enables the cookie carrier. A cookie is sent by the browser to any page's WebSocket
         * to this host, so keep the same-origin default or an Origin allow-list with it.
         *
         * @param name the cookie's name
         * @return this builder
         */
        public Builder cookieCarrier(String name) {
            if (name == null || name.isBlank()) {
                throw new IllegalArgumentException("cookie name must not be blank");
            }
            this.cookieName = name;
            carriers.add(Carrier.COOKIE);
            return this;
        }

        /**
         * Enables the query carrier with parameter {@value #DEFAULT_QUERY_PARAMETER}. The value is
         * URL-decoded, so a {@code +} in a token must be sent as {@code %2B}. The query
         * is part of {@code WebSocket.request()} and of the Hub's default room key
         * (path and query): give such a Hub a {@code roomKey} without the token.
         *
         * @return this builder
         */
        public Builder queryCarrier() {
            return queryCarrier(DEFAULT_QUERY_PARAMETER);
        }

        /**
         * Enables the query carrier with another parameter.
         *
         * @param parameter the parameter's name
         * @return this builder
         */
        public Builder queryCarrier(String parameter) {
            if (parameter == null || parameter.isEmpty()) {
                throw new IllegalArgumentException("parameter must not be empty");
            }
            this.queryParameter = parameter;
            carriers.add(Carrier.QUERY);
            return this;
        }

        /**
         * The realm of the {@code WWW-Authenticate} challenge; default {@code shuttle}.
         *
         * @param realm printable ASCII without {@code "} and {@code \}
         * @return this builder
         */
        public Builder realm(String realm) {
            for (int i = 0; i < realm.length(); i++) {
                char ch = realm.charAt(i);
                if (ch < 0x20 || ch > 0x7e || ch == '"' || ch == '\\') {
                    throw new IllegalArgumentException("realm must be printable ASCII without quotes or backslashes");
                }
            }
            this.realm = realm;
            return this;
        }

        /**
         * The longest token looked at (default 4096 characters); a longer one is a 400 before any hashing or verifier.
         *
         * @param chars the limit
         * @return this builder
         */
        public Builder maxTokenLength(int chars) {
            if (chars < 1) {
                throw new IllegalArgumentException("maxTokenLength must be positive");
            }
            this.maxTokenLength = chars;
            return this;
        }

        /**
         * Builds the hook; a token file is read here.
         *
         * @return the hook
         * @throws IllegalStateException without any token source or carrier
         * @throws java.io.UncheckedIOException when the token file cannot be read
         */
        public BearerAuth build() {
            if (entries.isEmpty() && file == null && verifier == null) {
                throw new IllegalStateException("no token source: give tokens, a token file or a verifier");
            }
            if (carriers.isEmpty()) {
                throw new IllegalStateException("no carrier enabled");
            }
            return new BearerAuth(this);
        }
    }
}
