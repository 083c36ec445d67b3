package dev.shuttle.websocket;

import java.util.LinkedHashMap;
import java.util.Map;

/** Thrown by an {@link UpgradeHook} to answer the upgrade request with an HTTP status instead of 101. */
public class UpgradeRejectedException extends Exception {
    private static final long serialVersionUID = 1L;

    private final int status;
    private final transient Map<String, String> headers = new LinkedHashMap<>();

    /** @param status an HTTP status from 400 to 599; {@code message} becomes the plain-text body. */
    public UpgradeRejectedException(int status, String message) {
        super(message);
        if (status < 400 || status > 599) {
            throw new IllegalArgumentException("status must be 4xx or 5xx: " + status);
        }
        this.status = status;
    }

    public int status() {
        return status;
    }

    /** Adds a response header, e.g. {@code WWW-Authenticate}; returns this. */
    public UpgradeRejectedException header(String name, String value) {
        headers.put(name, value);
        return this;
    }

    public Map<String, String> headers() {
        return Map.copyOf(headers);
    }
}
