package dev.shuttle.websocket.auth;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.net.InetSocketAddress;
import java.net.URI;
import java.net.http.HttpClient;
import java.security.Principal;
import java.util.List;
import java.util.Map;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import java.util.function.Consumer;

import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

import dev.shuttle.websocket.UpgradeHook;
import dev.shuttle.websocket.UpgradeRejectedException;
import dev.shuttle.websocket.WebSocket;
import dev.shuttle.websocket.WebSocketServer;
import dev.shuttle.websocket.standalone.Listener;

/**
 * BearerAuth on the built-in listener, with the JDK's WebSocket client and raw sockets: every
 * carrier accepted, every refusal with its exact RFC 6750 answer, the principal attribute, and
 * the 101 never echoing a {@code bearer.} subprotocol.
 */
@Timeout(30)
class BearerAuthTest {
    private static final String TOKEN = "s3cr3t-Token_1.x~";
    private static final String REALM = "test";

    private final HttpClient client = HttpClient.newHttpClient();
    private final BlockingQueue<WebSocket> opened = new LinkedBlockingQueue<>();
    private Listener listener;

    @AfterEach
    void stop() {
        client.shutdownNow();
        if (listener != null) {
            listener.close();
        }
    }

    private URI start(UpgradeHook hook) throws Exception {
        return start(hook, b -> b.subprotocols("jsonrpc"));
    }

    private URI start(UpgradeHook hook, Consumer<WebSocketServer.Builder> config) throws Exception {
        WebSocketServer.Builder b = WebSocketServer.builder().upgradeHook(hook).onOpen(opened::add);
        config.accept(b);
        listener = b.build().listen(new InetSocketAddress("127.0.0.1", 0));
        return URI.create("ws://127.0.0.1:" + listener.port() + "/ws");
    }

    private static BearerAuth.Builder auth() {
        return BearerAuth.builder().tokens(List.of(TOKEN)).realm(REALM);
    }

    private WebSocket serverSide() throws InterruptedException {
        WebSocket c = opened.poll(10, TimeUnit.SECONDS);
        assertNotNull(c, "the server opened the connection");
        return c;
    }

    // ------------------------------------------------------------------ carriers accepted

    @Test
    void headerCarrierIsAcceptedAndThePrincipalIsAnAttribute() throws Exception {
        URI uri = start(auth().build());
        Http.Outcome o = Http.jdk(client, uri, Map.of("Authorization", "Bearer " + TOKEN));
        assertEquals(101, o.status());

        WebSocket c = serverSide();
        BearerPrincipal p = BearerAuth.principal(c);
        assertEquals(new BearerPrincipal("token-1", Carrier.HEADER, null), p);
        assertSame(p, c.attribute(BearerAuth.PRINCIPAL_ATTRIBUTE));
        assertEquals("token-1", p.getName());
    }

    @Test
    void theSchemeIsCaseInsensitive() throws Exception {
        URI uri = start(auth().build());
        assertEquals(101, Http.status(Http.exchange(uri, "/ws", "Authorization: bearer  " + TOKEN)));
    }

    @Test
    void subprotocolCarrierIsAcceptedAndTheServerSelectsTheRealSubprotocol() throws Exception {
        URI uri = start(auth().subprotocolCarrier().build());
        // What a browser does: new WebSocket(url, ["jsonrpc", "bearer." + token]).
        Http.Outcome o = Http.jdk(client, uri, Map.of(), "jsonrpc", "bearer." + TOKEN);
        assertEquals(101, o.status());
        assertEquals("jsonrpc", o.subprotocol());
        assertEquals(Carrier.SUBPROTOCOL, BearerAuth.principal(serverSide()).carrier());
    }

    @Test
    void the101NeverCarriesTheBearerSubprotocol() throws Exception {
        URI uri = start(auth().subprotocolCarrier().build());
        for (String offer : List.of("jsonrpc, bearer." + TOKEN, "bearer." + TOKEN + ", jsonrpc", "bearer." + TOKEN)) {
            String response = Http.exchange(uri, "/ws", "Sec-WebSocket-Protocol: " + offer);
            assertEquals(101, Http.status(response), offer);
            String head = response.substring(0, response.indexOf("\r\n\r\n"));
            assertFalse(head.contains("bearer"), "the 101 echoes no bearer entry: " + head);
            assertFalse(head.contains(TOKEN), head);
            assertEquals(offer.contains("jsonrpc") ? "jsonrpc" : null, Http.header(response, "Sec-WebSocket-Protocol"), offer);
        }
    }

    @Test
    void aServerWithoutSubprotocolsSelectsNoneRatherThanTheBearerEntry() throws Exception {
        URI uri = start(auth().subprotocolCarrier().build(), b -> { });
        String response = Http.exchange(uri, "/ws", "Sec-WebSocket-Protocol: bearer." + TOKEN);
        assertEquals(101, Http.status(response));
        assertNull(Http.header(response, "Sec-WebSocket-Protocol"));
    }

    @Test
    void cookieCarrierIsAccepted() throws Exception {
        URI uri = start(auth().cookieCarrier("sid").build());
        Http.Outcome o = Http.jdk(client, uri, Map.of("Cookie", "theme=dark; sid=" + TOKEN));
        assertEquals(101, o.status());
        assertEquals(Carrier.COOKIE, BearerAuth.principal(serverSide()).carrier());
    }

    @Test
    void queryCarrierIsAcceptedUnderTheDefaultAndACustomName() throws Exception {
        URI uri = start(auth().queryCarrier().build());
        assertEquals(101, Http.jdk(client, URI.create(uri + "?room=1&access_token=" + TOKEN), Map.of()).status());
        assertEquals(Carrier.QUERY, BearerAuth.principal(serverSide()).carrier());
        listener.close();

        uri = start(auth().queryCarrier("t").build());
        assertEquals(101, Http.jdk(client, URI.create(uri + "?t=" + TOKEN), Map.of()).status());
        assertEquals(401, Http.jdk(client, URI.create(uri + "?access_token=" + TOKEN), Map.of()).status());
    }

    @Test
    void theHeaderWinsOverOtherCarriers() throws Exception {
        URI uri = start(auth().queryCarrier().build());
        // A right header and a wrong query parameter: the header is the one used.
        assertEquals(101, Http.status(Http.exchange(uri, "/ws?access_token=wrong", "Authorization: Bearer " + TOKEN)));
        assertEquals(Carrier.HEADER, BearerAuth.principal(serverSide()).carrier());
    }

    // ------------------------------------------------------------------ refusals

    @Test
    void noTokenIs401WithAChallengeAndNoErrorCode() throws Exception {
        URI uri = start(auth().build());
        String response = Http.exchange(uri, "/ws");
        assertEquals(401, Http.status(response), response);
        assertEquals("Bearer realm=\"test\"", Http.header(response, "WWW-Authenticate"));
        assertTrue(opened.isEmpty());
    }

    @Test
    void aWrongTokenIs401InvalidTokenAndTheAnswerSaysNothingAboutIt() throws Exception {
        URI uri = start(auth().build());
        String wrong = "wr0ng-guess";
        String response = Http.exchange(uri, "/ws", "Authorization: Bearer " + wrong);
        assertEquals(401, Http.status(response), response);
        assertEquals("Bearer realm=\"test\", error=\"invalid_token\"", Http.header(response, "WWW-Authenticate"));
        assertFalse(response.contains(wrong), response);
        assertFalse(response.contains(TOKEN), response);
        assertEquals("unauthorized", Http.body(response).strip());
    }

    @Test
    void theJdkClientSeesThe401AndItsChallenge() throws Exception {
        URI uri = start(auth().build());
        Http.Outcome o = Http.jdk(client, uri, Map.of("Authorization", "Bearer nope"));
        assertEquals(401, o.status());
        assertEquals(List.of("Bearer realm=\"test\", error=\"invalid_token\""), o.headers().get("www-authenticate"));
    }

    @Test
    void aWrongTokenInEachCarrierIsRefused() throws Exception {
        URI uri = start(auth().subprotocolCarrier().cookieCarrier("sid").queryCarrier().build());
        assertEquals(401, Http.jdk(client, uri, Map.of(), "jsonrpc", "bearer.nope").status());
        assertEquals(401, Http.jdk(client, uri, Map.of("Cookie", "sid=nope")).status());
        assertEquals(401, Http.jdk(client, URI.create(uri + "?access_token=nope"), Map.of()).status());
        // A prefix or an extension of the right token is as wrong as any other.
        assertEquals(401, Http.jdk(client, uri, Map.of("Authorization", "Bearer " + TOKEN.substring(1))).status());
        assertEquals(401, Http.jdk(client, uri, Map.of("Authorization", "Bearer " + TOKEN + "x")).status());
        assertTrue(opened.isEmpty());
    }

    @Test
    void aTokenInACarrierThatIsNotEnabledCountsAsNoToken() throws Exception {
        URI uri = start(auth().build()); // the header only
        for (String[] lines : List.of(new String[] {"Sec-WebSocket-Protocol: jsonrpc, bearer." + TOKEN},
                new String[] {"Cookie: access_token=" + TOKEN})) {
            String response = Http.exchange(uri, "/ws", lines);
            assertEquals(401, Http.status(response));
            assertEquals("Bearer realm=\"test\"", Http.header(response, "WWW-Authenticate"));
        }
        assertEquals(401, Http.status(Http.exchange(uri, "/ws?access_token=" + TOKEN)));
        // Another scheme is not a bearer token either.
        assertEquals("Bearer realm=\"test\"", Http.header(Http.exchange(uri, "/ws", "Authorization: Basic dXNlcjpwYXNz"), "WWW-Authenticate"));
        // And with the header carrier off, the header is ignored.
        listener.close();
        uri = start(auth().headerCarrier(false).queryCarrier().build());
        assertEquals(401, Http.status(Http.exchange(uri, "/ws", "Authorization: Bearer " + TOKEN)));
        assertEquals(101, Http.status(Http.exchange(uri, "/ws?access_token=" + TOKEN)));
    }

    @Test
    void malformedRequestsAre400InvalidRequest() throws Exception {
        URI uri = start(auth().subprotocolCarrier().maxTokenLength(64).build());
        List<String[]> malformed = List.of(
                new String[] {"Authorization: Bearer"},
                new String[] {"Authorization: Bearer two words"},
                new String[] {"Authorization: Bearer " + TOKEN, "Authorization: Bearer other"},
                new String[] {"Authorization: Bearer " + "a".repeat(65)},
                new String[] {"Authorization: Bearer a=b"},
                new String[] {"Sec-WebSocket-Protocol: jsonrpc, bearer." + TOKEN + ", bearer.other"});
        for (String[] lines : malformed) {
            String response = Http.exchange(uri, "/ws", lines);
            assertEquals(400, Http.status(response), String.join(" | ", lines));
            assertEquals("Bearer realm=\"test\", error=\"invalid_request\"", Http.header(response, "WWW-Authenticate"));
            assertFalse(Http.body(response).contains(TOKEN));
        }
        assertEquals(101, Http.status(Http.exchange(uri, "/ws", "Authorization: Bearer " + TOKEN)));
    }

    // ------------------------------------------------------------------ sources

    @Test
    void namedTokensAndTheVerifier() throws Exception {
        Principal alice = () -> "alice";
        BearerAuth a = BearerAuth.builder()
                .tokens(Map.of("ops", "ops-token"))
                .verifier(token -> switch (token) {
                    case "jwt-alice" -> alice;
                    case "jwt-throws" -> throw new IllegalArgumentException("bad signature on jwt-throws");
                    default -> null;
                })
                .build();
        URI uri = start(a);
        assertEquals(101, Http.jdk(client, uri, Map.of("Authorization", "Bearer ops-token")).status());
        assertEquals(new BearerPrincipal("ops", Carrier.HEADER, null), BearerAuth.principal(serverSide()));

        assertEquals(101, Http.jdk(client, uri, Map.of("Authorization", "Bearer jwt-alice")).status());
        BearerPrincipal p = BearerAuth.principal(serverSide());
        assertEquals("alice", p.name());
        assertSame(alice, p.verified());

        String response = Http.exchange(uri, "/ws", "Authorization: Bearer jwt-throws");
        assertEquals(401, Http.status(response));
        assertEquals("Bearer realm=\"shuttle\", error=\"invalid_token\"", Http.header(response, "WWW-Authenticate"));
        assertEquals(401, Http.status(Http.exchange(uri, "/ws", "Authorization: Bearer jwt-bob")));
    }

    @Test
    void thenRunsTheNextHookWithThePrincipalAndOnlyAfterAuthentication() throws Exception {
        BlockingQueue<Object> seen = new LinkedBlockingQueue<>();
        UpgradeHook next = (request, attributes) -> {
            seen.add(attributes.get(BearerAuth.PRINCIPAL_ATTRIBUTE));
            if ("/closed".equals(request.path())) {
                throw new UpgradeRejectedException(403, "closed room");
            }
        };
        URI uri = start(auth().build().then(next));
        assertEquals(401, Http.status(Http.exchange(uri, "/ws")));
        assertTrue(seen.isEmpty(), "next does not run for a refused token");
        assertEquals(101, Http.status(Http.exchange(uri, "/ws", "Authorization: Bearer " + TOKEN)));
        assertEquals(new BearerPrincipal("token-1", Carrier.HEADER, null), seen.poll(10, TimeUnit.SECONDS));
        assertEquals(403, Http.status(Http.exchange(uri, "/closed", "Authorization: Bearer " + TOKEN)));
    }

    @Test
    void environmentTokensAreCommaSeparated() throws Exception {
        URI uri = start(BearerAuth.Builder.fromEnvironment(Map.of("WS_BEARER_TOKENS", " one , two,,")).build());
        assertEquals(101, Http.status(Http.exchange(uri, "/ws", "Authorization: Bearer one")));
        assertEquals(101, Http.status(Http.exchange(uri, "/ws", "Authorization: Bearer two")));
        assertEquals(401, Http.status(Http.exchange(uri, "/ws", "Authorization: Bearer onetwo")));
        assertThrows(IllegalArgumentException.class, () -> BearerAuth.Builder.fromEnvironment(Map.of()));
        assertThrows(IllegalArgumentException.class, () -> BearerAuth.Builder.fromEnvironment(Map.of("WS_BEARER_TOKENS", " , ")));
    }

    @Test
    void refusalsAreLoggedWithoutTheToken() throws Exception {
        List<String> lines = new java.util.concurrent.CopyOnWriteArrayList<>();
        System.Logger recording = new System.Logger() {
            @Override
            public String getName() {
                return "recording";
            }

            @Override
            public boolean isLoggable(Level level) {
                return true;
            }

            @Override
            public void log(Level level, java.util.ResourceBundle bundle, String msg, Throwable thrown) {
                lines.add(msg + " " + thrown);
            }

            @Override
            public void log(Level level, java.util.ResourceBundle bundle, String format, Object... params) {
                lines.add(java.text.MessageFormat.format(format, params));
            }
        };
        System.Logger before = BearerAuth.log;
        BearerAuth.log = recording;
        try {
            URI uri = start(auth().queryCarrier().verifier(token -> {
                throw new IllegalStateException("cannot parse " + token);
            }).build());
            String guess = "guessed-Token-42";
            Http.exchange(uri, "/ws", "Authorization: Bearer " + guess);
            Http.exchange(uri, "/ws?access_token=" + guess);
            Http.exchange(uri, "/ws", "Authorization: Bearer " + guess, "Authorization: Bearer " + TOKEN);
            Http.exchange(uri, "/ws", "Authorization: Bearer " + TOKEN + "=");
            assertTrue(lines.size() >= 4, "refusals are logged at DEBUG: " + lines);
            assertTrue(lines.stream().anyMatch(l -> l.contains("IllegalStateException")), lines.toString());
            for (String line : lines) {
                assertFalse(line.contains(guess) || line.contains(TOKEN), line);
            }
        } finally {
            BearerAuth.log = before;
        }
    }

    @Test
    void configurationErrorsAreCaughtAtBuildAndNameNoToken() {
        assertThrows(IllegalStateException.class, () -> BearerAuth.builder().build());
        assertThrows(IllegalStateException.class, () -> BearerAuth.builder().tokens(List.of("a")).headerCarrier(false).build());
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                () -> BearerAuth.builder().tokens(List.of("fine", "has space")));
        assertFalse(e.getMessage().contains("has space"), e.getMessage());
        assertThrows(IllegalArgumentException.class, () -> BearerAuth.builder().realm("a\"b"));
        assertThrows(IllegalArgumentException.class, () -> BearerAuth.builder().cookieCarrier(" "));
    }
}
