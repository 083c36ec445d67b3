package dev.shuttle.websocket;

import java.io.IOException;

/**
 * A protocol failure that ends a connection with a specific close code: 1002 for a framing
 * error, 1007 for bad UTF-8, 1009 for a limit exceeded, and so on. The one place that turns a
 * failure into a close frame reads {@link #closeCode()}.
 */
public class WebSocketException extends IOException {
    private static final long serialVersionUID = 1L;

    /** The close code this failure maps to. */
    private final int closeCode;

    /**
     * A failure with the close code it is answered with.
     *
     * @param closeCode the close code (1002, 1007, 1009, ...)
     * @param message what was wrong; it becomes the close reason (cut to 123 bytes)
     */
    public WebSocketException(int closeCode, String message) {
        super(message);
        this.closeCode = closeCode;
    }

    /**
     * A failure with the close code it is answered with.
     *
     * @param closeCode the close code (1002, 1007, 1009, ...)
     * @param message what was wrong
     * @param cause the underlying failure
     */
    public WebSocketException(int closeCode, String message, Throwable cause) {
        super(message, cause);
        this.closeCode = closeCode;
    }

    /** {@return the close code this failure maps to (see {@link CloseCode})} */
    public int closeCode() {
        return closeCode;
    }
}
