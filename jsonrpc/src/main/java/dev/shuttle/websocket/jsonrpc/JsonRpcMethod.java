package dev.shuttle.websocket.jsonrpc;

/**
 * A method's handler: gets the call and its params bound to {@code P}, returns the result.
 * It runs on the caller's connection reader (a virtual thread), so it may block; calls of one
 * connection run one at a time, in the order received (a batch's too).
 *
 * @param <P> the params' type: a record (named params by component name, positional params
 *            by component order), any other Jackson-bindable type, or {@code JsonNode} for the raw params
 */
@FunctionalInterface
public interface JsonRpcMethod<P> {
    /**
     * Handles one call.
     *
     * @param call the call: connection, id, hub
     * @param params the bound params; {@code null} when the request had none and {@code P} is not a record
     * @return the result (serialized with Jackson; {@code null} gives {@code "result":null}),
     *         ignored when the handler called {@link Call#reply(Object)}
     * @throws Exception a {@link JsonRpcException} becomes its error reply, anything else -32603
     */
    Object handle(Call call, P params) throws Exception;
}
