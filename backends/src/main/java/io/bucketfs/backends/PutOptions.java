package io.bucketfs.backends;

import java.util.Map;

/**
 * Options of a PUT, of a multipart upload (given when it is created) and of a metadata-replacing copy.
 *
 * @param userMetadata the object's user metadata (see {@link UserMetadata}); empty for none
 * @param contentType  the content type, or {@code null} for the backend's default
 * @param ifMatch      write only if the key exists with this ETag, else
 *                     {@link ObjectStoreException.Kind#PRECONDITION_FAILED} (or NOT_FOUND when it is gone)
 * @param createOnly   write only if the key does not exist (If-None-Match {@code *}), else PRECONDITION_FAILED;
 *                     of racing creators exactly one succeeds
 */
public record PutOptions(Map<String, String> userMetadata, String contentType, String ifMatch, boolean createOnly) {

    public static final PutOptions NONE = new PutOptions(Map.of(), null, null, false);

    public PutOptions {
        userMetadata = userMetadata == null ? Map.of() : Map.copyOf(userMetadata);
        UserMetadata.validate(userMetadata);
        if (createOnly && ifMatch != null) {
            throw new IllegalArgumentException("createOnly and ifMatch exclude each other");
        }
    }

    public static PutOptions metadata(Map<String, String> metadata) {
        return new PutOptions(metadata, null, null, false);
    }

    public PutOptions withMetadata(Map<String, String> metadata) {
        return new PutOptions(metadata, contentType, ifMatch, createOnly);
    }

    public PutOptions withContentType(String type) {
        return new PutOptions(userMetadata, type, ifMatch, createOnly);
    }

    public PutOptions withIfMatch(String etag) {
        return new PutOptions(userMetadata, contentType, etag, createOnly);
    }

    public PutOptions withCreateOnly() {
        return new PutOptions(userMetadata, contentType, ifMatch, true);
    }
}
