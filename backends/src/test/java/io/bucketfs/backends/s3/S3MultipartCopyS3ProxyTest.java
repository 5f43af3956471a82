package io.bucketfs.backends.s3;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.bucketfs.backends.BackendSettings;
import io.bucketfs.backends.CopyOptions;
import io.bucketfs.backends.GetOptions;
import io.bucketfs.backends.ObjectContent;
import io.bucketfs.backends.ObjectInfo;
import io.bucketfs.backends.ObjectStore;
import io.bucketfs.backends.ObjectStoreException;
import io.bucketfs.backends.ObjectStoreException.Kind;
import io.bucketfs.backends.Payload;
import io.bucketfs.backends.PutOptions;
import java.security.MessageDigest;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import software.amazon.awssdk.services.s3.model.MultipartUpload;

/**
 * The part-by-part copy of large sources against S3Proxy, with the threshold lowered to 6 MiB and 5 MiB parts:
 * a source of 20 MiB and a bit is copied in 5 UploadPartCopy parts (the last one short).
 */
@Timeout(value = 120, unit = TimeUnit.SECONDS)
class S3MultipartCopyS3ProxyTest {

    private static final int MIB = 1024 * 1024;
    private static final int SIZE = 20 * MIB + 12_345;
    private static final S3MultipartCopy.Settings SMALL_PARTS =
            new S3MultipartCopy.Settings(6 * MIB, ObjectStore.MIN_PART_SIZE, 4);
    private static final Map<String, String> META = Map.of("mode", "100644", "uid", "1000");
    private static final String TYPE = "application/x-dataset";

    private static S3ProxyServer server;
    private static byte[] data;
    private String bucket;
    private S3ObjectStore store;

    @BeforeAll
    static void startServer() throws Exception {
        server = S3ProxyServer.start();
        data = new byte[SIZE];
        new Random(42).nextBytes(data);
    }

    @AfterAll
    static void stopServer() throws Exception {
        if (server != null) {
            server.close();
        }
    }

    @BeforeEach
    void openStore() {
        bucket = server.createBucket();
        store = new S3ObjectStore(server.spec(bucket), BackendSettings.DEFAULT, SMALL_PARTS);
    }

    @AfterEach
    void closeStore() {
        store.close();
    }

    private ObjectInfo putSource(String key, byte[] body) throws Exception {
        return store.put(key, Payload.ofBytes(body), PutOptions.metadata(META).withContentType(TYPE));
    }

    private byte[] sha256Of(String key) throws Exception {
        MessageDigest md = MessageDigest.getInstance("SHA-256");
        try (ObjectContent c = store.get(key, GetOptions.NONE)) {
            byte[] buf = new byte[64 * 1024];
            for (int n; (n = c.stream().read(buf)) > 0; ) {
                md.update(buf, 0, n);
            }
        }
        return md.digest();
    }

    private static byte[] sha256(byte[] b) throws Exception {
        return MessageDigest.getInstance("SHA-256").digest(b);
    }

    /** The multipart uploads in progress in the bucket, asked with the raw SDK client. */
    private List<MultipartUpload> uploadsInProgress() {
        return store.client().listMultipartUploads(b -> b.bucket(bucket)).uploads();
    }

    private void assertAbsent(String key) {
        assertEquals(Kind.NOT_FOUND, assertThrows(ObjectStoreException.class, () -> store.head(key)).kind(), key);
    }

    @Test
    void largeCopyKeepsBytesAndMetadata() throws Exception {
        putSource("data/train.bin", data);
        ObjectInfo copied = store.copy("data/train.bin", "moved/train.bin", CopyOptions.KEEP_METADATA);
        assertEquals(SIZE, copied.size());
        assertTrue(copied.etag().endsWith("-5"), "assembled from 5 parts: " + copied.etag());
        assertEquals(META, copied.userMetadata());
        assertEquals(TYPE, copied.contentType());
        ObjectInfo head = store.head("moved/train.bin");
        assertEquals(copied.etag(), head.etag());
        assertEquals(META, head.userMetadata());
        assertEquals(TYPE, head.contentType());
        assertArrayEquals(sha256(data), sha256Of("moved/train.bin"));
        assertTrue(uploadsInProgress().isEmpty());
    }

    @Test
    void largeCopyReplacesMetadataUnderAMatchingSourceCondition() throws Exception {
        ObjectInfo src = putSource("src", data);
        Map<String, String> fresh = Map.of("mode", "100755");
        ObjectInfo copied = store.copy("src", "dst",
                new CopyOptions(src.etag(), fresh, "text/plain"));
        assertEquals(SIZE, copied.size());
        assertEquals(fresh, store.head("dst").userMetadata());
        assertEquals("text/plain", store.head("dst").contentType());
        assertArrayEquals(sha256(data), sha256Of("dst"));

        ObjectInfo defaultType = store.copy("src", "dst2", CopyOptions.replacingMetadata(Map.of()));
        assertEquals(Map.of(), defaultType.userMetadata());
        assertEquals(S3ObjectStore.DEFAULT_CONTENT_TYPE, defaultType.contentType());
    }

    @Test
    void largeCopyOntoItselfReplacesMetadataAndKeepsBytes() throws Exception {
        putSource("self", data);
        store.copy("self", "self", CopyOptions.replacingMetadata(Map.of("mode", "100600")));
        assertEquals(Map.of("mode", "100600"), store.head("self").userMetadata());
        assertArrayEquals(sha256(data), sha256Of("self"));
    }

    @Test
    void smallSourcesStillTakeOneCopyObject() throws Exception {
        byte[] small = java.util.Arrays.copyOf(data, 6 * MIB);
        putSource("small", small);
        ObjectInfo copied = store.copy("small", "small-copy", CopyOptions.KEEP_METADATA);
        assertFalse(copied.etag().contains("-"), "not a multipart ETag: " + copied.etag());
        assertEquals(META, copied.userMetadata());
        assertArrayEquals(sha256(small), sha256Of("small-copy"));
    }

    @Test
    void staleSourceIfMatchFailsBeforeAnythingIsWritten() throws Exception {
        ObjectInfo v1 = putSource("src", data);
        byte[] v2 = data.clone();
        v2[SIZE - 1] ^= 1;
        putSource("src", v2);
        AtomicInteger created = new AtomicInteger();
        store.multipartCopy().beforeParts((source, upload) -> created.incrementAndGet());
        ObjectStoreException e = assertThrows(ObjectStoreException.class,
                () -> store.copy("src", "dst", CopyOptions.KEEP_METADATA.withSourceIfMatch(v1.etag())));
        assertEquals(Kind.PRECONDITION_FAILED, e.kind(), e.getMessage());
        assertEquals(0, created.get());
        assertAbsent("dst");
        assertTrue(uploadsInProgress().isEmpty());
    }

    @Test
    void sourceReplacedAfterTheHeadFailsTheCopyAndAbortsTheUpload() throws Exception {
        ObjectInfo v1 = putSource("src", data);
        byte[] v2 = data.clone();
        v2[0] ^= 1;
        AtomicInteger seen = new AtomicInteger();
        store.multipartCopy().beforeParts((source, upload) -> {
            assertEquals(v1.etag(), source.etag());
            seen.set(uploadsInProgress().size());
            putSource("src", v2);
        });
        ObjectStoreException e = assertThrows(ObjectStoreException.class,
                () -> store.copy("src", "dst", CopyOptions.KEEP_METADATA));
        assertEquals(Kind.PRECONDITION_FAILED, e.kind(), e.getMessage());
        assertTrue(e.getMessage().startsWith("UPLOAD-PART-COPY"), "a part copy refused it: " + e.getMessage());
        assertEquals(1, seen.get(), "the listing saw the copy's upload while it was open");
        assertAbsent("dst");
        assertTrue(uploadsInProgress().isEmpty(), "the upload was aborted");
        assertArrayEquals(sha256(v2), sha256Of("src"));
    }

    @Test
    void sourceDeletedAfterTheHeadIsNotFoundAndAbortsTheUpload() throws Exception {
        putSource("src", data);
        store.multipartCopy().beforeParts((source, upload) -> store.delete("src"));
        ObjectStoreException e = assertThrows(ObjectStoreException.class,
                () -> store.copy("src", "dst", CopyOptions.KEEP_METADATA));
        assertEquals(Kind.NOT_FOUND, e.kind(), e.getMessage());
        assertAbsent("dst");
        assertTrue(uploadsInProgress().isEmpty());
    }

    @Test
    void missingSourceIsNotFound() {
        ObjectStoreException e = assertThrows(ObjectStoreException.class,
                () -> store.copy("nope", "dst", CopyOptions.KEEP_METADATA));
        assertEquals(Kind.NOT_FOUND, e.kind());
        assertAbsent("dst");
    }
}
