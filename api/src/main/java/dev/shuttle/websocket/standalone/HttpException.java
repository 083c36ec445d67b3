package dev.shuttle.websocket.standalone;

/**
 * A request the listener answers with an error status and then closes (400, 431, 505...). The
 * message becomes the plain-text body, so it must not echo request bytes back unescaped.
 */
final class HttpException extends Exception {
    private static final long serialVersionUID = 1L;

    private final int status;

    HttpException(int status, String message) {
        // No stack trace: these are expected answers to bad input, thrown per request, never bugs.
        super(message, null, false, false);
        this.status = status;
    }

    int status() {
        return status;
    }
}
