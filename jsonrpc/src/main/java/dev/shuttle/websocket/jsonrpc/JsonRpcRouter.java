package dev.shuttle.websocket.jsonrpc;

import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;

import com.fasterxml.jackson.core.JsonFactory;
import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.core.StreamReadConstraints;
import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.json.JsonMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.NullNode;
import com.fasterxml.jackson.databind.node.ObjectNode;

import dev.shuttle.websocket.CloseCode;
import dev.shuttle.websocket.WebSocket;
import dev.shuttle.websocket.WebSocketHandler;
import dev.shuttle.websocket.hub.Hub;
import dev.shuttle.websocket.hub.RoomLimitException;
import dev.shuttle.websocket.limit.RateLimit;
import dev.shuttle.websocket.spi.Failures;

/**
 * JSON-RPC 2.0 over WebSocket text messages: requests routed by method to typed handlers,
 * notifications, batches and the spec's error objects.
 * <pre>{@code
 * record SumParams(int a, int b) {}
 * JsonRpcRouter router = JsonRpcRouter.builder().hub(hub).build();
 * router.method("sum", SumParams.class, (call, p) -> p.a() + p.b());   // [1,2] or {"a":1,"b":2}
 * router.builtins("lobby");                                            // broadcast, self.reply
 * WebSocketServer.builder().handler(router.handler()).build();
 * }</pre>
 *
 * <h2>Behaviour</h2>
 * <ul>
 * <li>A request ({@code id} present: a string, a number or null) gets one response with the
 *     id echoed as sent (numbers exactly, however large or fractional); a notification (no
 *     {@code id}) gets none, not even an error.</li>
 * <li>A batch (an array) is handled in order and answered with one array of the requests'
 *     responses; a batch of notifications only gets no reply.</li>
 * <li>Errors carry the spec's messages ({@code "Parse error"}, {@code "Invalid Request"}, …) and,
 *     where it helps, a string {@code data} saying what was wrong: -32700 invalid JSON (id null); -32600 not a Request object, no
 *     {@code "jsonrpc":"2.0"}, a method that is not a string, params that are neither array nor
 *     object, an id of another type (then id null), an empty batch or one larger than
 *     {@link Builder#maxBatchSize} (a single error); -32601 no such method; -32602 the params do
 *     not bind to the handler's type; -32603 the handler threw (logged here, no stack trace in
 *     the reply); a {@link JsonRpcException}'s own code and message otherwise.</li>
 * <li>A binary message closes the connection with 1003 (unsupported data): JSON-RPC here is
 *     text only.</li>
 * </ul>
 *
 * <h2>Limits</h2>
 * What a peer can make the router hold is bounded by the server's {@code maxMessageSize} and by
 * Jackson's read constraints, set here explicitly: nesting depth ({@link Builder#maxNestingDepth},
 * default {@value #DEFAULT_MAX_NESTING_DEPTH}), digits of a number
 * ({@link Builder#maxNumberLength}, default {@value #DEFAULT_MAX_NUMBER_LENGTH}) and the batch
 * size ({@link Builder#maxBatchSize}, default {@value #DEFAULT_MAX_BATCH_SIZE}; refused after
 * reading one element beyond it). A batch's responses are built before the array is sent.
 *
 * <h2>Threads</h2>
 * Handlers run on the connection's reader (a virtual thread), one call at a time per connection,
 * and may block. Registering methods is thread-safe and may happen while serving.
 */
public final class JsonRpcRouter {
    /** Default of {@link Builder#maxBatchSize}: {@value}. */
    public static final int DEFAULT_MAX_BATCH_SIZE = 100;
    /** Default of {@link Builder#maxNestingDepth}: {@value}. */
    public static final int DEFAULT_MAX_NESTING_DEPTH = 32;
    /** Default of {@link Builder#maxNumberLength}: {@value}. */
    public static final int DEFAULT_MAX_NUMBER_LENGTH = 100;
    /** The close reason for a binary message: {@value}. */
    public static final String BINARY_CLOSE_REASON = "JSON-RPC messages are text";

    private static final System.Logger LOGGER = System.getLogger(JsonRpcRouter.class.getName());

    private record Route<P>(Class<P> type, JsonRpcMethod<P> method) {
    }

    private final ObjectMapper mapper;
    private final int maxBatchSize;
    private final Hub hub;
    private final Map<String, Route<?>> routes = new ConcurrentHashMap<>();
    private final List<String> roomsOnOpen = new CopyOnWriteArrayList<>();

    private JsonRpcRouter(Builder b) {
        this.maxBatchSize = b.maxBatchSize;
        this.hub = b.hub;
        StreamReadConstraints constraints = StreamReadConstraints.builder()
                .maxNestingDepth(b.maxNestingDepth)
                .maxNumberLength(b.maxNumberLength)
                .maxStringLength(b.maxStringLength)
                .maxNameLength(Math.min(b.maxStringLength, 50_000))
                .build();
        JsonFactory factory = JsonFactory.builder().streamReadConstraints(constraints).build();
        this.mapper = JsonMapper.builder(factory)
                // Numbers as sent: an id of 1.10 or 2^70 comes back as 1.10 and 2^70.
                .nodeFactory(JsonNodeFactory.withExactBigDecimals(true))
                .enable(DeserializationFeature.USE_BIG_DECIMAL_FOR_FLOATS)
                .enable(DeserializationFeature.FAIL_ON_NULL_FOR_PRIMITIVES)
                .build();
    }

    /** {@return a builder with the defaults: no hub, batches of at most 100, depth 32, numbers of 100 digits} */
    public static Builder builder() {
        return new Builder();
    }

    // ---------------------------------------------------------------- registration

    /**
     * Registers a method.
     *
     * @param <P> the params' type
     * @param name the method's name
     * @param paramsType the params' type: a record (named or positional params), another
     *                   Jackson-bindable type, or {@code JsonNode.class} for the raw params
     * @param method the handler
     * @return this router
     * @throws IllegalArgumentException for a name starting with {@code rpc.} (reserved by the
     *         spec) or one already registered
     */
    public <P> JsonRpcRouter method(String name, Class<P> paramsType, JsonRpcMethod<P> method) {
        Objects.requireNonNull(name, "name");
        Objects.requireNonNull(paramsType, "paramsType");
        Objects.requireNonNull(method, "method");
        if (name.startsWith("rpc.")) {
            throw new IllegalArgumentException("method names starting with rpc. are reserved: " + name);
        }
        if (routes.putIfAbsent(name, new Route<>(paramsType, method)) != null) {
            throw new IllegalArgumentException("method already registered: " + name);
        }
        return this;
    }

    /**
     * Makes every connection of {@link #handler()} join a room of the hub when it opens (1013
     * when a room limit refuses it); it leaves when it closes. When the hub keeps a history, a
     * client that connects with {@code ?since=EPOCH:OFFSET} first gets what it missed
     * ({@link Hub#joinFromRequest}).
     *
     * @param room the room's key
     * @return this router
     * @throws IllegalStateException when the router has no hub
     */
    public JsonRpcRouter joinOnOpen(String room) {
        hub();
        roomsOnOpen.add(Objects.requireNonNull(room, "room"));
        return this;
    }

    /**
     * nbio-websocket's methods, with every connection joining {@code room} on open:
     * <ul>
     * <li>{@code broadcast}: the params go to every member of the room, the caller included, as
     *     the notification {@code {"jsonrpc":"2.0","method":"broadcast","params":…}}, through
     *     {@link Hub#publish} (so a bridge carries it to other instances); the result is
     *     {@code {"delivered":N}}, N counting this instance's members it was queued to.</li>
     * <li>{@code self.reply}: the result is the params, to the caller only.</li>
     * </ul>
     *
     * @param room the room everybody joins and broadcasts go to
     * @return this router
     * @throws IllegalStateException when the router has no hub
     */
    public JsonRpcRouter builtins(String room) {
        joinOnOpen(room);
        method("broadcast", JsonNode.class, (call, params) ->
                Map.of("delivered", call.publishToAll(room, "broadcast", params)));
        method("self.reply", JsonNode.class, (call, params) -> params);
        return this;
    }

    // ---------------------------------------------------------------- serving

    /**
     * The router as a server's handler: text messages are dispatched and answered, binary ones
     * close the connection with 1003.
     *
     * @return the handler
     */
    public WebSocketHandler handler() {
        return new WebSocketHandler() {
            @Override
            public void onOpen(WebSocket connection) {
                for (String room : roomsOnOpen) {
                    try {
                        hub.joinFromRequest(room, connection); // recovering from its `since` when the hub keeps a history
                    } catch (RoomLimitException e) {
                        connection.close(CloseCode.TRY_AGAIN_LATER, e.getMessage());
                        return;
                    } catch (IllegalStateException e) {
                        return; // it closed already
                    }
                }
            }

            @Override
            public void onData(WebSocket connection, boolean isBinary, byte[] data) {
                onMessage(connection, isBinary, data);
            }

            @Override
            public void onClose(WebSocket connection, int code, String reason, Throwable cause) {
                if (hub != null && !roomsOnOpen.isEmpty()) {
                    hub.leaveAll(connection); // Shuttle's connections leave by themselves; others not
                }
            }
        };
    }

    /**
     * Handles one message of a connection as {@link #handler()} does, for a handler of your own.
     *
     * @param connection the connection
     * @param isBinary whether the message is binary (it then closes the connection with 1003)
     * @param data the message
     */
    public void onMessage(WebSocket connection, boolean isBinary, byte[] data) {
        if (isBinary) {
            connection.close(CloseCode.UNSUPPORTED_DATA, BINARY_CLOSE_REASON);
            return;
        }
        String reply = dispatch(connection, data);
        if (reply != null) {
            connection.write(reply);
        }
    }

    /**
     * Handles one text message and returns the reply instead of sending it.
     *
     * @param connection the connection the handlers see
     * @param utf8 the message as UTF-8
     * @return the reply, or {@code null} when there is none (notifications only)
     */
    public String dispatch(WebSocket connection, byte[] utf8) {
        return switch (Incoming.read(mapper, utf8, maxBatchSize)) {
            case Incoming.Failed f -> write(error(NullNode.getInstance(), f.code(), f.message(), f.detail()));
            case Incoming.Single s -> {
                ObjectNode response = handle(connection, s.value());
                yield response == null ? null : write(response);
            }
            case Incoming.Batch b -> {
                ArrayNode responses = mapper.createArrayNode();
                for (JsonNode value : b.values()) {
                    ObjectNode response = handle(connection, value);
                    if (response != null) {
                        responses.add(response);
                    }
                }
                yield responses.isEmpty() ? null : write(responses);
            }
        };
    }

    /**
     * For a {@link RateLimit} with {@code Action.ERROR}: answers a message beyond the limit with a
     * {@value JsonRpcException#RATE_LIMITED} error instead of handling it. A request gets the
     * error under its id; a notification gets nothing; a batch or anything unreadable gets one
     * error with a null id.
     * <pre>{@code
     * RateLimit limit = RateLimit.builder().messagesPerSecond(20).onExceeded(router.rateLimitExceeded()).build();
     * WebSocketServer.builder().handler(limit.wrap(router.handler()));
     * }</pre>
     *
     * @return the handler of refused messages
     */
    public RateLimit.ExceededHandler rateLimitExceeded() {
        return (connection, isBinary, data) -> {
            if (isBinary) {
                return; // not delivered; the router would have closed for it anyway
            }
            JsonNode id = NullNode.getInstance();
            if (Incoming.read(mapper, data, maxBatchSize) instanceof Incoming.Single s && s.value().isObject()) {
                if (!s.value().has("id")) {
                    return;
                }
                if (isValidId(s.value().get("id"))) {
                    id = s.value().get("id");
                }
            }
            connection.write(write(error(id, JsonRpcException.RATE_LIMITED, "Rate limit exceeded", null)));
        };
    }

    // ---------------------------------------------------------------- one request

    /** The response to one value of a message, or null for a notification. */
    private ObjectNode handle(WebSocket connection, JsonNode request) {
        if (!request.isObject()) {
            return error(NullNode.getInstance(), JsonRpcException.INVALID_REQUEST, "Invalid Request", null);
        }
        boolean hasId = request.has("id");
        JsonNode id = request.get("id");
        if (hasId && !isValidId(id)) {
            return error(NullNode.getInstance(), JsonRpcException.INVALID_REQUEST, "Invalid Request", "id must be a string, a number or null");
        }
        JsonNode replyId = hasId ? id : NullNode.getInstance();
        JsonNode version = request.get("jsonrpc");
        JsonNode method = request.get("method");
        JsonNode params = request.get("params");
        if (version == null || !version.isTextual() || !version.textValue().equals("2.0")) {
            return error(replyId, JsonRpcException.INVALID_REQUEST, "Invalid Request", "\"jsonrpc\" must be \"2.0\"");
        }
        if (method == null || !method.isTextual()) {
            return error(replyId, JsonRpcException.INVALID_REQUEST, "Invalid Request", "\"method\" must be a string");
        }
        if (params != null && !params.isContainerNode()) {
            return error(replyId, JsonRpcException.INVALID_REQUEST, "Invalid Request", "\"params\" must be an array or an object");
        }
        Route<?> route = routes.get(method.textValue());
        if (route == null) {
            return hasId ? error(replyId, JsonRpcException.METHOD_NOT_FOUND, "Method not found", null) : null;
        }
        Call call = new Call(this, connection, method.textValue(), hasId ? id : null, params);
        try {
            Object returned = invoke(route, call, params);
            JsonNode result = mapper.valueToTree(call.replied() ? call.result() : returned);
            return hasId ? success(replyId, result == null ? NullNode.getInstance() : result) : null;
        } catch (JsonRpcException e) {
            return hasId ? error(replyId, e.code(), e.getMessage(), e.data()) : null;
        } catch (Exception e) {
            Failures.log(LOGGER, "JSON-RPC handler failed", e);
            return hasId ? error(replyId, JsonRpcException.INTERNAL_ERROR, "Internal error", null) : null;
        }
    }

    private <P> Object invoke(Route<P> route, Call call, JsonNode params) throws Exception {
        P bound = ParamsBinder.bind(mapper, params, route.type());
        return route.method().handle(call, bound);
    }

    private static boolean isValidId(JsonNode id) {
        return id.isTextual() || id.isNumber() || id.isNull();
    }

    private ObjectNode success(JsonNode id, JsonNode result) {
        ObjectNode response = mapper.createObjectNode().put("jsonrpc", "2.0");
        response.set("result", result);
        response.set("id", id);
        return response;
    }

    private ObjectNode error(JsonNode id, int code, String message, Object data) {
        ObjectNode error = mapper.createObjectNode().put("code", code).put("message", message);
        if (data != null) {
            try {
                error.set("data", mapper.valueToTree(data));
            } catch (IllegalArgumentException e) {
                Failures.log(LOGGER, "JSON-RPC error data not serializable", e);
            }
        }
        ObjectNode response = mapper.createObjectNode().put("jsonrpc", "2.0");
        response.set("error", error);
        response.set("id", id);
        return response;
    }

    private String write(JsonNode node) {
        try {
            return mapper.writeValueAsString(node);
        } catch (JsonProcessingException e) {
            throw new IllegalStateException("a tree of plain nodes failed to serialize", e);
        }
    }

    // ---------------------------------------------------------------- for Call

    String notification(String method, Object params) {
        ObjectNode n = mapper.createObjectNode().put("jsonrpc", "2.0").put("method", Objects.requireNonNull(method, "method"));
        if (params != null) {
            n.set("params", mapper.valueToTree(params));
        }
        return write(n);
    }

    Hub hub() {
        if (hub == null) {
            throw new IllegalStateException("this router has no hub: JsonRpcRouter.builder().hub(hub)");
        }
        return hub;
    }

    /** {@return the mapper that binds params and serializes results (read constraints included)} */
    public ObjectMapper mapper() {
        return mapper;
    }

    /** Settings of a {@link JsonRpcRouter}. */
    public static final class Builder {
        private Hub hub;
        private int maxBatchSize = DEFAULT_MAX_BATCH_SIZE;
        private int maxNestingDepth = DEFAULT_MAX_NESTING_DEPTH;
        private int maxNumberLength = DEFAULT_MAX_NUMBER_LENGTH;
        private int maxStringLength = 1 << 20;

        private Builder() {
        }

        /**
         * The hub of {@link Call#publish}, {@link #joinOnOpen} and {@link #builtins}; default none.
         *
         * @param hub the hub
         * @return this builder
         */
        public Builder hub(Hub hub) {
            this.hub = Objects.requireNonNull(hub, "hub");
            return this;
        }

        /**
         * Values in a batch at most; beyond it the whole batch gets one -32600 error.
         * Default {@value JsonRpcRouter#DEFAULT_MAX_BATCH_SIZE}.
         *
         * @param n at least 1
         * @return this builder
         */
        public Builder maxBatchSize(int n) {
            this.maxBatchSize = atLeastOne(n, "maxBatchSize");
            return this;
        }

        /**
         * Nesting of arrays and objects at most (the batch's array and the request object count);
         * deeper is a -32700. Default {@value JsonRpcRouter#DEFAULT_MAX_NESTING_DEPTH}.
         *
         * @param depth at least 1
         * @return this builder
         */
        public Builder maxNestingDepth(int depth) {
            this.maxNestingDepth = atLeastOne(depth, "maxNestingDepth");
            return this;
        }

        /**
         * Characters of one number at most; longer is a -32700. Default
         * {@value JsonRpcRouter#DEFAULT_MAX_NUMBER_LENGTH}.
         *
         * @param length at least 1
         * @return this builder
         */
        public Builder maxNumberLength(int length) {
            this.maxNumberLength = atLeastOne(length, "maxNumberLength");
            return this;
        }

        /**
         * Characters of one string at most; longer is a -32700. Default 1 MiB (the server's default
         * message size).
         *
         * @param length at least 1
         * @return this builder
         */
        public Builder maxStringLength(int length) {
            this.maxStringLength = atLeastOne(length, "maxStringLength");
            return this;
        }

        /** {@return the router, with no method yet} */
        public JsonRpcRouter build() {
            return new JsonRpcRouter(this);
        }

        private static int atLeastOne(int n, String name) {
            if (n < 1) {
                throw new IllegalArgumentException(name + " must be at least 1: " + n);
            }
            return n;
        }
    }
}
