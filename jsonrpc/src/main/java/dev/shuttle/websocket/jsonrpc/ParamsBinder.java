package dev.shuttle.websocket.jsonrpc;

import java.lang.reflect.RecordComponent;

import com.fasterxml.jackson.annotation.JsonProperty;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;

/** Binds a request's params to a handler's type; any failure is a -32602. */
final class ParamsBinder {
    private ParamsBinder() {
    }

    @SuppressWarnings("unchecked")
    static <P> P bind(ObjectMapper mapper, JsonNode params, Class<P> type) {
        if (type == JsonNode.class) {
            return (P) params;
        }
        JsonNode source = params;
        if (type.isRecord()) {
            if (params == null) {
                source = mapper.createObjectNode(); // missing components fail as for named params
            } else if (params.isArray()) {
                source = byPosition(mapper, params, type.getRecordComponents());
            }
        } else if (params == null) {
            return null;
        }
        try {
            return mapper.treeToValue(source, type);
        } catch (Exception e) {
            // Jackson's message may quote the peer's input at length: say nothing of it.
            throw JsonRpcException.invalidParams("Invalid params");
        }
    }

    /** Positional params of a record: the n-th value goes to the n-th component. */
    private static ObjectNode byPosition(ObjectMapper mapper, JsonNode array, RecordComponent[] components) {
        if (array.size() > components.length) {
            throw new JsonRpcException(JsonRpcException.INVALID_PARAMS, "Invalid params", "at most " + components.length + " positional params");
        }
        ObjectNode named = mapper.createObjectNode();
        for (int i = 0; i < array.size(); i++) {
            named.set(propertyName(components[i]), array.get(i));
        }
        return named;
    }

    private static String propertyName(RecordComponent component) {
        JsonProperty renamed = component.getAnnotation(JsonProperty.class);
        if (renamed == null) {
            renamed = component.getAccessor().getAnnotation(JsonProperty.class);
        }
        return renamed != null && !renamed.value().isEmpty() ? renamed.value() : component.getName();
    }
}
