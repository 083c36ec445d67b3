package dev.shuttle.websocket.jsonrpc;

/**
 * An error reply (JSON-RPC 2.0 §5.1): thrown by a handler, it becomes the response's
 * {@code error} object with this code, message and optional data. The spec's own codes are
 * constants here; application errors use the server range {@value #SERVER_ERROR_MIN} to
 * {@value #SERVER_ERROR_MAX} or any code outside the reserved -32768..-32000.
 * <p>Only {@link #getMessage()} and {@link #data()} reach the peer: never a stack trace or a cause.
 */
public class JsonRpcException extends RuntimeException {
    /** Invalid JSON: {@value}. The id of the reply is null. */
    public static final int PARSE_ERROR = -32700;
    /** Not a valid Request object (or an empty or too large batch): {@value}. */
    public static final int INVALID_REQUEST = -32600;
    /** No handler for the method: {@value}. */
    public static final int METHOD_NOT_FOUND = -32601;
    /** The params could not be bound to the handler's type: {@value}. */
    public static final int INVALID_PARAMS = -32602;
    /** The handler threw something else than a {@code JsonRpcException}: {@value}. */
    public static final int INTERNAL_ERROR = -32603;
    /** The lowest code of the implementation-defined server errors: {@value}. */
    public static final int SERVER_ERROR_MIN = -32099;
    /** The highest code of the implementation-defined server errors: {@value}. */
    public static final int SERVER_ERROR_MAX = -32000;
    /** The code of the reply to a message beyond a rate limit: {@value}. */
    public static final int RATE_LIMITED = -32000;

    /** The error code of the reply. */
    private final int code;
    /** The error's data, not serialized with the exception. */
    private final transient Object data;

    /**
     * An error without data.
     *
     * @param code the error code
     * @param message a short description, sent to the peer
     */
    public JsonRpcException(int code, String message) {
        this(code, message, null);
    }

    /**
     * An error with data.
     *
     * @param code the error code
     * @param message a short description, sent to the peer
     * @param data more about the error (serialized with Jackson), or {@code null} to leave it out
     */
    public JsonRpcException(int code, String message, Object data) {
        super(message == null ? "" : message, null, false, false); // no stack: it is a reply, not a bug
        this.code = code;
        this.data = data;
    }

    /**
     * A -32602 invalid params error, for a handler's own checks of its params.
     *
     * @param message what is wrong with the params
     * @return the exception to throw
     */
    public static JsonRpcException invalidParams(String message) {
        return new JsonRpcException(INVALID_PARAMS, message);
    }

    /** {@return the error code} */
    public int code() {
        return code;
    }

    /** {@return the error's data, or {@code null}} */
    public Object data() {
        return data;
    }
}
