package dev.shuttle.websocket.bridge;

/** What {@link EnvelopeCodec#decode} throws for bytes that are no envelope or break a limit. */
public final class MalformedEnvelopeException extends Exception {
    private static final long serialVersionUID = 1L;

    /**
     * An envelope that cannot be decoded.
     *
     * @param message what is wrong with it
     */
    public MalformedEnvelopeException(String message) {
        super(message, null, false, false);
    }
}
