package io.bucketfs.cache.write;

import java.util.Map;

/** The content of a staged file as of its last commit, which is what its manifest describes. */
record View(RangeSet extents, long size, long baseLimit, Map<String, String> metadata, String contentType) {
    static final View EMPTY = new View(new RangeSet(), 0, 0, Map.of(), null);
}
