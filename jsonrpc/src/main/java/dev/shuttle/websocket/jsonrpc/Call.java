package dev.shuttle.websocket.jsonrpc;

import com.fasterxml.jackson.databind.JsonNode;

import dev.shuttle.websocket.PreparedMessage;
import dev.shuttle.websocket.SendResult;
import dev.shuttle.websocket.WebSocket;
import dev.shuttle.websocket.hub.Hub;

/**
 * One request or notification being handled: who sent it, its id, and ways to answer and to
 * publish. Used by one handler on the connection's reader; not thread-safe.
 * <p>The response is sent after the handler returns (inside the batch's array for a batch), with
 * the result given to {@link #reply(Object)} or else the handler's return value. A notification
 * gets no response whatever the handler does; {@link #notify(String, Object)} and
 * {@link #publish(String, String, Object)} send at once.
 */
public final class Call {
    private final JsonRpcRouter router;
    private final WebSocket connection;
    private final String method;
    private final JsonNode id;
    private final JsonNode params;
    private boolean replied;
    private Object result;

    Call(JsonRpcRouter router, WebSocket connection, String method, JsonNode id, JsonNode params) {
        this.router = router;
        this.connection = connection;
        this.method = method;
        this.id = id;
        this.params = params;
    }

    /** {@return the connection the call came on} */
    public WebSocket connection() {
        return connection;
    }

    /** {@return the method's name} */
    public String method() {
        return method;
    }

    /**
     * The request's id as sent: a string, a number (exact, however large or fractional) or a
     * JSON null.
     *
     * @return the id node, or {@code null} (Java null) for a notification
     */
    public JsonNode id() {
        return id;
    }

    /** {@return true for a notification (no {@code id}): it gets no response} */
    public boolean isNotification() {
        return id == null;
    }

    /** {@return the raw params (an array or an object), or {@code null} when there were none} */
    public JsonNode params() {
        return params;
    }

    /**
     * Sets the result of the response, in place of the handler's return value.
     *
     * @param result the result (serialized with Jackson); {@code null} gives {@code "result":null}
     * @throws IllegalStateException when called twice
     */
    public void reply(Object result) {
        if (replied) {
            throw new IllegalStateException("reply() was already called for this call");
        }
        replied = true;
        this.result = result;
    }

    /**
     * Sends a notification ({@code {"jsonrpc":"2.0","method":…,"params":…}}) to the caller at once.
     *
     * @param method the notification's method
     * @param params its params (an object or array once serialized), or {@code null} to leave them out
     * @return what the connection's queue did with it
     */
    public SendResult notify(String method, Object params) {
        return connection.write(router.notification(method, params));
    }

    /**
     * Publishes a notification to a room of the router's hub, through {@link Hub#publish} (so a
     * bridge forwards it to other instances). The caller is left out unless the hub is reflexive;
     * use {@link #publishToAll} to include it.
     *
     * @param room the room's key
     * @param method the notification's method
     * @param params its params, or {@code null} to leave them out
     * @return the local members it was queued to
     * @throws IllegalStateException when the router has no hub
     */
    public int publish(String room, String method, Object params) {
        return router.hub().publish(room, PreparedMessage.text(router.notification(method, params)), connection);
    }

    /**
     * Publishes a notification to every member of a room, the caller included when it is one.
     * The publish listeners see no sender.
     *
     * @param room the room's key
     * @param method the notification's method
     * @param params its params, or {@code null} to leave them out
     * @return the local members it was queued to
     * @throws IllegalStateException when the router has no hub
     */
    public int publishToAll(String room, String method, Object params) {
        return router.hub().publish(room, PreparedMessage.text(router.notification(method, params)), null);
    }

    /**
     * The router's hub.
     *
     * @return the hub
     * @throws IllegalStateException when the router has no hub
     */
    public Hub hub() {
        return router.hub();
    }

    boolean replied() {
        return replied;
    }

    Object result() {
        return result;
    }
}
