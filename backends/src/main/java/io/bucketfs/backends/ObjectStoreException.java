package io.bucketfs.backends;

import java.io.IOException;
import java.util.Objects;

/**
 * The one failure type of the {@link ObjectStore} SPI. Callers decide on {@link #kind()}, never on the message
 * (which is for logs and may quote the backend's own error code).
 */
public class ObjectStoreException extends IOException {

    /** The small typed set every backend maps its failures onto. */
    public enum Kind {
        /** The key (or multipart upload) does not exist. HTTP 404. */
        NOT_FOUND,
        /**
         * A condition did not hold: If-Match on a changed object, If-None-Match {@code *} on an existing key, a
         * copy source that changed. HTTP 412 (and S3's 409 ConditionalRequestConflict for racing writers).
         */
        PRECONDITION_FAILED,
        /** A GET with If-None-Match matched the current ETag: the caller's copy is current. HTTP 304. */
        NOT_MODIFIED,
        /** Credentials rejected or not allowed to do this. HTTP 401/403. Never retried. */
        ACCESS_DENIED,
        /** The backend asked us to slow down (HTTP 429, 503 SlowDown) and retries ran out. */
        THROTTLED,
        /** Server errors, connection failures, resets and timeouts, after retries ran out. */
        TRANSIENT,
        /** Anything else the backend refused (bad request, entity too small, …). Never retried. */
        PERMANENT;

        /** True for the kinds a retry may cure. */
        public boolean retryable() {
            return this == THROTTLED || this == TRANSIENT;
        }
    }

    private final Kind kind;

    public ObjectStoreException(Kind kind, String message) {
        this(kind, message, null);
    }

    public ObjectStoreException(Kind kind, String message, Throwable cause) {
        super(message, cause);
        this.kind = Objects.requireNonNull(kind, "kind");
    }

    public Kind kind() {
        return kind;
    }

    @Override
    public String toString() {
        return "ObjectStoreException[" + kind + "]: " + getMessage();
    }
}
