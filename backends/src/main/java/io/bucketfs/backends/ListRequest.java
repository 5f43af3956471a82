package io.bucketfs.backends;

import java.util.Objects;

/**
 * One page of a listing.
 *
 * @param prefix            only keys starting with this ("" for all)
 * @param delimiter         roll keys up to common prefixes at the first occurrence of this after the prefix, or
 *                          {@code null} for a flat listing
 * @param continuationToken the {@link ListPage#nextContinuationToken()} of the previous page, or {@code null}
 * @param maxKeys           at most this many objects plus common prefixes in the page, 1..{@value #MAX_KEYS}
 */
public record ListRequest(String prefix, String delimiter, String continuationToken, int maxKeys) {

    /** The largest page every backend serves (S3's limit). */
    public static final int MAX_KEYS = 1000;

    public ListRequest {
        Objects.requireNonNull(prefix, "prefix");
        if (delimiter != null && delimiter.isEmpty()) {
            throw new IllegalArgumentException("delimiter must be null or non-empty");
        }
        if (maxKeys < 1 || maxKeys > MAX_KEYS) {
            throw new IllegalArgumentException("maxKeys must be 1.." + MAX_KEYS + ": " + maxKeys);
        }
    }

    public static ListRequest flat(String prefix) {
        return new ListRequest(prefix, null, null, MAX_KEYS);
    }

    public static ListRequest delimited(String prefix, String delimiter) {
        return new ListRequest(prefix, delimiter, null, MAX_KEYS);
    }

    public ListRequest withContinuationToken(String token) {
        return new ListRequest(prefix, delimiter, token, maxKeys);
    }

    public ListRequest withMaxKeys(int max) {
        return new ListRequest(prefix, delimiter, continuationToken, max);
    }
}
