package io.bucketfs.backends;

import java.util.Map;

/**
 * Options of a server-side copy.
 *
 * @param sourceIfMatch    copy only if the source's ETag is this one, else PRECONDITION_FAILED
 * @param replaceMetadata  the destination's new user metadata and content type; {@code null} keeps the source's
 *                         (the S3 MetadataDirective REPLACE vs COPY)
 * @param replacementType  content type used with {@code replaceMetadata}, or {@code null} for the backend default
 */
public record CopyOptions(String sourceIfMatch, Map<String, String> replaceMetadata, String replacementType) {

    public static final CopyOptions KEEP_METADATA = new CopyOptions(null, null, null);

    public CopyOptions {
        if (replaceMetadata != null) {
            replaceMetadata = Map.copyOf(replaceMetadata);
            UserMetadata.validate(replaceMetadata);
        }
    }

    public static CopyOptions replacingMetadata(Map<String, String> metadata) {
        return new CopyOptions(null, metadata, null);
    }

    public CopyOptions withSourceIfMatch(String etag) {
        return new CopyOptions(etag, replaceMetadata, replacementType);
    }
}
