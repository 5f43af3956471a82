package io.bucketfs.cache.write;

import java.util.Objects;

/**
 * The precondition an upload of a staged file carries, so that a write never silently replaces an object that was
 * changed out of band since the file was opened. A failed condition turns the upload into a conflict copy (see
 * {@link WriteBack}).
 *
 * @param kind what to check
 * @param etag the expected ETag for {@link Kind#IF_MATCH}, else {@code null}
 */
public record WriteCondition(Kind kind, String etag) {

    /** What the store checks when the object is written. */
    public enum Kind {
        /** No check: the upload replaces whatever is there. */
        NONE,
        /** Write only if the key does not exist (a new file). */
        CREATE_ONLY,
        /** Write only if the key holds exactly the version with {@link #etag()}. */
        IF_MATCH
    }

    /** Unconditional. */
    public static final WriteCondition NONE = new WriteCondition(Kind.NONE, null);

    /** Only if the key does not exist. */
    public static final WriteCondition CREATE_ONLY = new WriteCondition(Kind.CREATE_ONLY, null);

    public WriteCondition {
        Objects.requireNonNull(kind, "kind");
        if ((kind == Kind.IF_MATCH) != (etag != null)) {
            throw new IllegalArgumentException("an ETag is given exactly for IF_MATCH");
        }
    }

    /** Only if the key holds the version with {@code etag}. */
    public static WriteCondition ifMatch(String etag) {
        return new WriteCondition(Kind.IF_MATCH, Objects.requireNonNull(etag, "etag"));
    }
}
