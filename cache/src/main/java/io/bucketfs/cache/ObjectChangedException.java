package io.bucketfs.cache;

import java.io.IOException;
import java.util.Objects;

/**
 * The object is no longer the version a read was pinned to: the backend refused the If-Match of a ranged GET
 * (PRECONDITION_FAILED), or answered for the ETag with a different size. Nothing of another version was returned;
 * the VFS revalidates (HEAD) and retries with the new {@link ObjectVersion}, or reports a stale handle.
 */
public final class ObjectChangedException extends IOException {

    private final transient ObjectVersion version;

    public ObjectChangedException(ObjectVersion version, String message, Throwable cause) {
        super(message, cause);
        this.version = Objects.requireNonNull(version, "version");
    }

    /** The version the read was pinned to, which the object no longer is. */
    public ObjectVersion version() {
        return version;
    }
}
