package dev.vaeforge.serve;

/**
 * A request that cannot be served, with the HTTP status it gets and a one-line message naming the field
 * or limit at fault; answered as the protocol's {@code {"error": "..."}}.
 */
final class HttpError extends RuntimeException {
    private static final long serialVersionUID = 1L;

    private final int status;

    HttpError(int status, String message) {
        super(message, null, false, false);
        this.status = status;
    }

    int status() {
        return status;
    }

    static HttpError badRequest(String message) {
        return new HttpError(400, message);
    }

    static HttpError notFound(String message) {
        return new HttpError(404, message);
    }
}
