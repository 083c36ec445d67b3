package dev.shuttle.websocket;

import java.io.IOException;

/**
 * A protocol failure that ends a connection with a specific close code: 1002 for a framing
 * error, 1007 for bad UTF-8, 1009 for a limit exceeded, and so on. The one place that turns a
 * failure into a close frame reads {@link #closeCode()}.
 */
public class WebSocketException extends IOException {
    private static final long serialVersionUID = 1L;

    private final int closeCode;

    public WebSocketException(int closeCode, String message) {
        super(message);
        this.closeCode = closeCode;
    }

    public WebSocketException(int closeCode, String message, Throwable cause) {
        super(message, cause);
        this.closeCode = closeCode;
    }

    /** The close code this failure maps to (see {@link CloseCode}). */
    public int closeCode() {
        return closeCode;
    }
}
