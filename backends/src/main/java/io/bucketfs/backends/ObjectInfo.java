package io.bucketfs.backends;

import java.time.Instant;
import java.util.Map;
import java.util.Objects;

/**
 * What a HEAD, a GET, a PUT or a completed multipart upload tells about one object.
 *
 * @param key          the object key
 * @param size         the whole object's size in bytes (not the size of a ranged read)
 * @param etag         the entity tag without surrounding quotes; opaque, compare for equality only
 * @param lastModified the backend's last-modified time, second precision on most backends
 * @param contentType  the content type, or {@code null} when the backend has none
 * @param userMetadata user metadata, keys in lower case (see {@link UserMetadata}); empty for writes that set none
 */
public record ObjectInfo(String key, long size, String etag, Instant lastModified, String contentType,
                         Map<String, String> userMetadata) {

    public ObjectInfo {
        Objects.requireNonNull(key, "key");
        Objects.requireNonNull(etag, "etag");
        userMetadata = userMetadata == null ? Map.of() : Map.copyOf(userMetadata);
    }
}
