package io.bucketfs.backends;

import java.util.Objects;

/** A multipart upload in progress: the key it will create and the backend's opaque upload id. */
public record MultipartUpload(String key, String uploadId) {

    public MultipartUpload {
        Objects.requireNonNull(key, "key");
        Objects.requireNonNull(uploadId, "uploadId");
    }
}
