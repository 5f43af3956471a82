package io.bucketfs.backends;

import java.util.Objects;

/** An uploaded part: its number (1..{@value ObjectStore#MAX_PARTS}) and the ETag its upload returned. */
public record CompletedPart(int partNumber, String etag) {

    public CompletedPart {
        if (partNumber < 1 || partNumber > ObjectStore.MAX_PARTS) {
            throw new IllegalArgumentException("part number must be 1.." + ObjectStore.MAX_PARTS + ": " + partNumber);
        }
        Objects.requireNonNull(etag, "etag");
    }
}
