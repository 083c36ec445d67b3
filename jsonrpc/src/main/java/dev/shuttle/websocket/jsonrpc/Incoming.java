package dev.shuttle.websocket.jsonrpc;

import java.io.IOException;
import java.util.ArrayList;
import java.util.List;

import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.core.JsonToken;
import com.fasterxml.jackson.core.exc.StreamConstraintsException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;

/**
 * A text message read as JSON-RPC: one value, a batch of values, or why it is neither. Reads the
 * batch element by element, so a batch beyond the limit is refused after {@code max + 1}
 * elements without building the rest.
 */
sealed interface Incoming {
    /** A single value (not necessarily a valid request). */
    record Single(JsonNode value) implements Incoming {
    }

    /** A non-empty batch within the limit. */
    record Batch(List<JsonNode> values) implements Incoming {
    }

    /** The whole message fails: one error response with a null id. */
    record Failed(int code, String message, String detail) implements Incoming {
    }

    static Incoming read(ObjectMapper mapper, byte[] utf8, int maxBatchSize) {
        try (JsonParser p = mapper.getFactory().createParser(utf8)) {
            JsonToken first = p.nextToken();
            if (first == null) {
                return new Failed(JsonRpcException.PARSE_ERROR, "Parse error", null);
            }
            Incoming incoming;
            if (first == JsonToken.START_ARRAY) {
                List<JsonNode> values = new ArrayList<>();
                boolean tooMany = false;
                while (p.nextToken() != JsonToken.END_ARRAY) {
                    if (values.size() == maxBatchSize) {
                        tooMany = true; // keep reading only to tell a parse error from a long batch
                        p.skipChildren();
                        continue;
                    }
                    values.add(mapper.readTree(p));
                }
                if (tooMany) {
                    incoming = new Failed(JsonRpcException.INVALID_REQUEST, "Invalid Request",
                            "batch larger than " + maxBatchSize);
                } else if (values.isEmpty()) {
                    incoming = new Failed(JsonRpcException.INVALID_REQUEST, "Invalid Request", "empty batch");
                } else {
                    incoming = new Batch(values);
                }
            } else {
                incoming = new Single(mapper.readTree(p));
            }
            if (p.nextToken() != null) {
                return new Failed(JsonRpcException.PARSE_ERROR, "Parse error", "data after the JSON value");
            }
            return incoming;
        } catch (StreamConstraintsException e) {
            return new Failed(JsonRpcException.PARSE_ERROR, "Parse error", "beyond the read limits (nesting, number or string length)");
        } catch (IOException | RuntimeException e) {
            // Malformed JSON or beyond the read constraints (depth, number or string length).
            return new Failed(JsonRpcException.PARSE_ERROR, "Parse error", null);
        }
    }
}
