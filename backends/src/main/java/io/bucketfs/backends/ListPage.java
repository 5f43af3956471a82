package io.bucketfs.backends;

import java.util.List;

/**
 * One page of a listing: objects in ascending key order (UTF-8 binary order on S3 and the local store), common
 * prefixes (each ending with the delimiter), and the token for the next page, {@code null} on the last one.
 */
public record ListPage(List<ObjectSummary> objects, List<String> commonPrefixes, String nextContinuationToken) {

    public ListPage {
        objects = List.copyOf(objects);
        commonPrefixes = List.copyOf(commonPrefixes);
    }

    public boolean isLast() {
        return nextContinuationToken == null;
    }
}
