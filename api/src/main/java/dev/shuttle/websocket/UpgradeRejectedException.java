package dev.shuttle.websocket;

import java.util.LinkedHashMap;
import java.util.Map;

/** Thrown by an {@link UpgradeHook} to answer the upgrade request with an HTTP status instead of 101. */
public class UpgradeRejectedException extends Exception {
    private static final long serialVersionUID = 1L;

    /** The HTTP status of the refusal. */
    private final int status;
    private final transient Map<String, String> headers = new LinkedHashMap<>();

    /**
     * A refusal of the upgrade.
     *
     * @param status an HTTP status from 400 to 599
     * @param message the plain-text body of the answer
     */
    public UpgradeRejectedException(int status, String message) {
        super(message);
        if (status < 400 || status > 599) {
            throw new IllegalArgumentException("status must be 4xx or 5xx: " + status);
        }
        this.status = status;
    }

    /** {@return the HTTP status of the refusal} */
    public int status() {
        return status;
    }

    /**
     * Adds a response header, e.g. {@code WWW-Authenticate}; returns this.
     *
     * @param name the header's name
     * @param value its value
     * @return this exception
     */
    public UpgradeRejectedException header(String name, String value) {
        headers.put(name, value);
        return this;
    }

    /** {@return the headers of the refusal} */
    public Map<String, String> headers() {
        return Map.copyOf(headers);
    }
}
