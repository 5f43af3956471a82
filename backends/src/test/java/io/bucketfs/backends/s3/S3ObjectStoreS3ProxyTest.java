package io.bucketfs.backends.s3;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.bucketfs.backends.BackendSettings;
import io.bucketfs.backends.ByteRange;
import io.bucketfs.backends.CompletedPart;
import io.bucketfs.backends.GetOptions;
import io.bucketfs.backends.ListRequest;
import io.bucketfs.backends.MultipartUpload;
import io.bucketfs.backends.ObjectContent;
import io.bucketfs.backends.ObjectInfo;
import io.bucketfs.backends.ObjectStore;
import io.bucketfs.backends.ObjectStoreException;
import io.bucketfs.backends.ObjectStoreException.Kind;
import io.bucketfs.backends.Payload;
import io.bucketfs.backends.PutOptions;
import java.io.ByteArrayInputStream;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/**
 * Behaviour only the S3 store has to get right, against a real S3 server (S3Proxy); the shared behaviour is in
 * {@link S3ObjectStoreContractTest}: 416 answers under If-Match, batches of more than 1000 deletes, conditions
 * carried by the upload id to completion, one-shot stream bodies, empty key segments, describe.
 */
@Timeout(value = 60, unit = TimeUnit.SECONDS)
class S3ObjectStoreS3ProxyTest {

    private static S3ProxyServer server;
    private ObjectStore store;

    @BeforeAll
    static void startServer() throws Exception {
        server = S3ProxyServer.start();
    }

    @AfterAll
    static void stopServer() throws Exception {
        if (server != null) {
            server.close();
        }
    }

    @BeforeEach
    void openStore() {
        store = new S3ObjectStore(server.spec(server.createBucket()), BackendSettings.DEFAULT);
    }

    @AfterEach
    void closeStore() {
        store.close();
    }

    private static byte[] bytes(int n, long seed) {
        byte[] b = new byte[n];
        new Random(seed).nextBytes(b);
        return b;
    }

    private static byte[] read(ObjectContent c) throws Exception {
        try (c) {
            return c.readAllBytes();
        }
    }

    @Test
    void rangesAreCutAndEmptyPastTheEnd() throws Exception {
        byte[] data = bytes(100, 2);
        String etag = store.put("r", Payload.ofBytes(data), PutOptions.NONE).etag();
        ObjectContent mid = store.get("r", GetOptions.range(10, 20));
        assertEquals(100, mid.info().size());
        assertEquals(10, mid.offset());
        assertArrayEquals(java.util.Arrays.copyOfRange(data, 10, 30), read(mid));
        ObjectContent cut = store.get("r", GetOptions.range(90, 50));
        assertEquals(10, cut.length());
        assertArrayEquals(java.util.Arrays.copyOfRange(data, 90, 100), read(cut));
        for (long off : new long[] {100, 150}) {
            ObjectContent empty = store.get("r", new GetOptions(ByteRange.from(off), etag, null));
            assertEquals(0, empty.length());
            assertEquals(100, empty.info().size());
            assertEquals(etag, empty.info().etag());
            assertEquals(0, read(empty).length);
        }
        ObjectStoreException e = assertThrows(ObjectStoreException.class,
                () -> store.get("r", new GetOptions(ByteRange.from(200), "not-the-etag", null)));
        assertEquals(Kind.PRECONDITION_FAILED, e.kind());
        assertEquals(0, read(store.get("r", GetOptions.range(5, 0))).length);
    }

    @Test
    void oneShotStreamPayload() throws Exception {
        byte[] data = bytes(1_000_000, 8);
        store.put("s", Payload.ofStream(new ByteArrayInputStream(data), data.length), PutOptions.NONE);
        assertArrayEquals(data, read(store.get("s", GetOptions.NONE)));
    }

    @Test
    void multipartUploadCompletesAndHonoursConditions() throws Exception {
        byte[] p1 = bytes((int) ObjectStore.MIN_PART_SIZE, 9);
        byte[] p2 = bytes(1234, 10);
        MultipartUpload up = store.createMultipart("m", PutOptions.metadata(Map.of("k", "v")).withCreateOnly());
        CompletedPart c2 = store.uploadPart(up, 2, Payload.ofBytes(p2));
        CompletedPart c1 = store.uploadPart(up, 1, Payload.ofBytes(p1));
        ObjectInfo done = store.completeMultipart(up, List.of(c1, c2));
        assertEquals(p1.length + p2.length, done.size());
        assertEquals(Map.of("k", "v"), store.head("m").userMetadata());
        ObjectContent tail = store.get("m", GetOptions.range(p1.length, ByteRange.TO_END));
        assertArrayEquals(p2, read(tail));

        MultipartUpload again = store.createMultipart("m", PutOptions.NONE.withCreateOnly());
        CompletedPart a1 = store.uploadPart(again, 1, Payload.ofBytes(p2));
        assertEquals(Kind.PRECONDITION_FAILED, assertThrows(ObjectStoreException.class,
                () -> store.completeMultipart(again, List.of(a1))).kind());
        store.abortMultipart(again);
        store.abortMultipart(again);
        assertEquals(Kind.NOT_FOUND, assertThrows(ObjectStoreException.class,
                () -> store.completeMultipart(again, List.of(a1))).kind());
    }

    @Test
    void deleteAndDeleteAllInBatches() throws Exception {
        store.delete("never-there");
        List<String> keys = new ArrayList<>();
        ExecutorService pool = Executors.newFixedThreadPool(8);
        try {
            List<Future<?>> puts = new ArrayList<>();
            for (int i = 0; i < 1003; i++) {
                String k = String.format("del/%04d", i);
                keys.add(k);
                puts.add(pool.submit(() -> store.put(k, Payload.empty(), PutOptions.NONE)));
            }
            for (Future<?> f : puts) {
                f.get();
            }
        } finally {
            pool.shutdownNow();
        }
        keys.add("del/not-there");
        assertEquals(Map.of(), store.deleteAll(keys));
        assertTrue(store.list(ListRequest.flat("del/")).objects().isEmpty());
    }

    @Test
    void multipartIfMatchAppliesAtCompletionAndSurvivesInTheUploadId() throws Exception {
        String v1 = store.put("mm", Payload.ofBytes(bytes(10, 12)), PutOptions.NONE).etag();
        MultipartUpload up = store.createMultipart("mm", PutOptions.NONE.withIfMatch(v1));
        // a caller that persisted only key and upload id (a restart) still completes under the condition
        MultipartUpload restored = new MultipartUpload(up.key(), up.uploadId());
        CompletedPart p = store.uploadPart(restored, 1, Payload.ofBytes(bytes(20, 13)));
        store.put("mm", Payload.ofBytes(bytes(11, 14)), PutOptions.NONE);
        assertEquals(Kind.PRECONDITION_FAILED, assertThrows(ObjectStoreException.class,
                () -> store.completeMultipart(restored, List.of(p))).kind());
        store.abortMultipart(restored);

        String v2 = store.head("mm").etag();
        MultipartUpload ok = store.createMultipart("mm", PutOptions.NONE.withIfMatch(v2));
        CompletedPart q = store.uploadPart(ok, 1, Payload.ofBytes(bytes(20, 15)));
        assertEquals(20, store.completeMultipart(ok, List.of(new CompletedPart(1, "\"" + q.etag() + "\""))).size(),
                "quoted part ETags are accepted as well");
    }

    @Test
    void emptySegmentsAndLeadingSlashKeepTheirSlashes() throws Exception {
        for (String k : List.of("x//y", "/lead", "x///z/")) {
            store.put(k, Payload.ofBytes(k.getBytes(StandardCharsets.UTF_8)), PutOptions.NONE);
            assertArrayEquals(k.getBytes(StandardCharsets.UTF_8), read(store.get(k, GetOptions.NONE)), k);
        }
        assertEquals(Kind.NOT_FOUND, assertThrows(ObjectStoreException.class, () -> store.head("x/y")).kind());
    }

    @Test
    void describeNamesNoSecret() {
        String d = store.describe();
        assertTrue(d.contains(server.endpoint().toString()), d);
        assertFalse(d.contains(S3ProxyServer.SECRET), d);
    }
}
