package io.bucketfs.backends.s3;

import io.bucketfs.backends.ObjectInfo;
import io.bucketfs.backends.ObjectStoreException;
import java.time.Instant;
import java.time.ZonedDateTime;
import java.time.format.DateTimeFormatter;
import java.time.format.DateTimeParseException;
import java.util.Map;
import software.amazon.awssdk.http.SdkHttpResponse;
import software.amazon.awssdk.services.s3.model.GetObjectResponse;
import software.amazon.awssdk.services.s3.model.HeadObjectResponse;

/** ETag quoting, Content-Range parsing and {@link ObjectInfo}s built from S3 answers. */
final class S3Conversions {

    private S3Conversions() {
    }

    /** The ETag without its surrounding quotes (and without a weak {@code W/} marker); {@code ""} for none. */
    static String unquote(String etag) {
        if (etag == null) {
            return "";
        }
        String e = etag.trim();
        if (e.startsWith("W/")) {
            e = e.substring(2);
        }
        if (e.length() >= 2 && e.startsWith("\"") && e.endsWith("\"")) {
            e = e.substring(1, e.length() - 1);
        }
        return e;
    }

    /** The ETag as an HTTP header value: quoted unless it already is (or is {@code *}); null stays null. */
    static String quote(String etag) {
        if (etag == null) {
            return null;
        }
        String e = etag.trim();
        if (e.equals("*") || (e.length() >= 2 && e.startsWith("\"") && e.endsWith("\""))
                || e.startsWith("W/\"")) {
            return e;
        }
        return "\"" + e + "\"";
    }

    /**
     * The whole object's size from a {@code Content-Range: bytes first-last/total} header; -1 if the header is
     * absent. A malformed header or an unknown total ({@code *}) is a PERMANENT failure.
     */
    static long totalFromContentRange(String contentRange) throws ObjectStoreException {
        if (contentRange == null || contentRange.isBlank()) {
            return -1;
        }
        int slash = contentRange.lastIndexOf('/');
        String total = slash < 0 ? "" : contentRange.substring(slash + 1).trim();
        try {
            long n = Long.parseLong(total);
            if (n >= 0) {
                return n;
            }
        } catch (NumberFormatException e) {
            // fall through
        }
        throw new ObjectStoreException(ObjectStoreException.Kind.PERMANENT,
                "unusable Content-Range from the server: " + contentRange);
    }

    /** The first byte offset of a {@code Content-Range: bytes first-last/total} header. */
    static long firstFromContentRange(String contentRange) throws ObjectStoreException {
        String s = contentRange.trim();
        int space = s.indexOf(' ');
        int dash = s.indexOf('-', space + 1);
        try {
            return Long.parseLong(s.substring(space + 1, dash).trim());
        } catch (RuntimeException e) {
            throw new ObjectStoreException(ObjectStoreException.Kind.PERMANENT,
                    "unusable Content-Range from the server: " + contentRange);
        }
    }

    static ObjectInfo info(String key, HeadObjectResponse r) {
        return new ObjectInfo(key, r.contentLength() == null ? 0 : r.contentLength(), unquote(r.eTag()),
                r.lastModified(), r.contentType(), metadata(r.metadata()));
    }

    static ObjectInfo info(String key, long size, GetObjectResponse r) {
        return new ObjectInfo(key, size, unquote(r.eTag()), r.lastModified(), r.contentType(),
                metadata(r.metadata()));
    }

    /** SDK metadata to SPI metadata: keys in lower case (HTTP header names are case-insensitive). */
    static Map<String, String> metadata(Map<String, String> sdk) {
        if (sdk == null || sdk.isEmpty()) {
            return Map.of();
        }
        Map<String, String> out = new java.util.HashMap<>();
        sdk.forEach((k, v) -> out.put(k.toLowerCase(java.util.Locale.ROOT), v));
        return out;
    }

    /**
     * The server's time of a write answer (which carries no Last-Modified on S3): its Last-Modified header if
     * present, else its Date header, else now; second precision like the listings.
     */
    static Instant writeTime(SdkHttpResponse http) {
        for (String name : new String[] {"Last-Modified", "Date"}) {
            String v = http == null ? null : http.firstMatchingHeader(name).orElse(null);
            if (v != null) {
                try {
                    return ZonedDateTime.parse(v.trim(), DateTimeFormatter.RFC_1123_DATE_TIME).toInstant();
                } catch (DateTimeParseException e) {
                    // try the next one
                }
            }
        }
        return Instant.now().truncatedTo(java.time.temporal.ChronoUnit.SECONDS);
    }
}
