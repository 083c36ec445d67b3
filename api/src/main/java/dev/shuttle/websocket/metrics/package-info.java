/**
 * Health and metrics: {@link dev.shuttle.websocket.metrics.ShuttleMetrics} counts what one
 * server does (handshakes, messages, bytes, drops, close codes, round trips, rooms) without a lock
 * or an allocation per message, and answers {@code /metrics} in the Prometheus text format and
 * {@code /health} as JSON on the built-in listener and in every adapter.
 */
package dev.shuttle.websocket.metrics;
