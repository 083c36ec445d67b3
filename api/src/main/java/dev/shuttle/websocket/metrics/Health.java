package dev.shuttle.websocket.metrics;

/**
 * What {@code /health} tells: liveness, readiness and the number of open connections.
 * A server is live as long as it answers at all; it is not ready once it started shutting down
 * ({@link dev.shuttle.websocket.WebSocketServer#closeAll closeAll}, the built-in listener's
 * {@code close()}) or was {@linkplain ShuttleMetrics#markNotReady() marked not ready}, so that a
 * load balancer stops sending new clients while the old ones are told 1001.
 *
 * @param live        always true when answered (a dead process answers nothing)
 * @param ready       whether new connections are welcome
 * @param connections open WebSocket connections
 */
public record Health(boolean live, boolean ready, long connections) {
    /** {@return {@code "UP"} when ready, {@code "DOWN"} otherwise} */
    public String status() {
        return ready ? "UP" : "DOWN";
    }

    /** {@return 200 when ready, 503 when not (what readiness probes look at)} */
    public int httpStatus() {
        return ready ? 200 : 503;
    }

    /** {@return the JSON body: {@code {"status":"UP","live":true,"ready":true,"connections":N}}} */
    public String toJson() {
        return "{\"status\":\"" + status() + "\",\"live\":" + live + ",\"ready\":" + ready + ",\"connections\":" + connections + "}";
    }
}
