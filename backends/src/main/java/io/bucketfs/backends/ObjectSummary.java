package io.bucketfs.backends;

import java.time.Instant;
import java.util.Objects;

/** One object in a {@link ListPage}: listings carry no user metadata (HEAD the key for it). */
public record ObjectSummary(String key, long size, String etag, Instant lastModified) {

    public ObjectSummary {
        Objects.requireNonNull(key, "key");
    }
}
