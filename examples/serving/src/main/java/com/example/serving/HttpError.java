package com.example.serving;

/**
 * A request the service refuses: the HTTP status and a one-line reason, which becomes the
 * response body {@code {"error": "<reason>"}}. Thrown by the request checks and the body parser;
 * caught in one place, {@link PredictionServer}, which turns it into the response. No stack trace
 * is filled in: it is a verdict on the request, not a fault of the service.
 */
public final class HttpError extends Exception {
    private static final long serialVersionUID = 1L;

    /** The HTTP status: 400, 404, 405, 413, 415, 422 or 503. */
    private final int status;

    /**
     * @param status the HTTP status
     * @param reason one line, shown to the client
     */
    public HttpError(int status, String reason) {
        super(reason, null, false, false);
        this.status = status;
    }

    /** {@return the HTTP status} */
    public int status() {
        return status;
    }
}
