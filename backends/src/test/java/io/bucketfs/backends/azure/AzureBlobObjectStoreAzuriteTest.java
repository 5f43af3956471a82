package io.bucketfs.backends.azure;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.bucketfs.backends.BackendSettings;
import io.bucketfs.backends.ByteRange;
import io.bucketfs.backends.CompletedPart;
import io.bucketfs.backends.CopyOptions;
import io.bucketfs.backends.GetOptions;
import io.bucketfs.backends.ListPage;
import io.bucketfs.backends.ListRequest;
import io.bucketfs.backends.MultipartUpload;
import io.bucketfs.backends.ObjectContent;
import io.bucketfs.backends.ObjectInfo;
import io.bucketfs.backends.ObjectStoreException;
import io.bucketfs.backends.ObjectStoreException.Kind;
import io.bucketfs.backends.Payload;
import io.bucketfs.backends.PutOptions;
import io.bucketfs.backends.RetryPolicy;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.concurrent.Callable;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/** Azure-specific behaviour of {@link AzureBlobObjectStore} against Azurite (the SPI contract is tested apart). */
@Timeout(60)
class AzureBlobObjectStoreAzuriteTest {

    private static AzuriteServer azurite;
    private String container;
    private AzureBlobObjectStore store;

    @BeforeAll
    static void startAzurite() throws Exception {
        azurite = AzuriteServer.start();
    }

    @AfterAll
    static void stopAzurite() {
        if (azurite != null) {
            azurite.close();
        }
    }

    @BeforeEach
    void openStore() {
        container = azurite.createContainer();
        store = new AzureBlobObjectStore(azurite.spec(container), BackendSettings.DEFAULT);
    }

    @AfterEach
    void closeStore() {
        store.close();
    }

    private static byte[] bytes(String s) {
        return s.getBytes(StandardCharsets.UTF_8);
    }

    private byte[] read(String key, GetOptions o) throws Exception {
        try (ObjectContent c = store.get(key, o)) {
            return c.readAllBytes();
        }
    }

    @Test
    void putHeadGetWithRangesAndMetadata() throws Exception {
        ObjectInfo put = store.put("a/b.txt", Payload.ofBytes(bytes("0123456789")),
                PutOptions.metadata(Map.of("posix-mode", "644", "uid", "1000")).withContentType("text/plain"));
        assertFalse(put.etag().startsWith("\""), put.etag());
        ObjectInfo head = store.head("a/b.txt");
        assertEquals(put.etag(), head.etag());
        assertEquals(10, head.size());
        assertEquals("text/plain", head.contentType());
        assertEquals(Map.of("posix-mode", "644", "uid", "1000"), head.userMetadata());
        assertArrayEquals(bytes("0123456789"), read("a/b.txt", GetOptions.NONE));
        try (ObjectContent c = store.get("a/b.txt", GetOptions.range(3, 4))) {
            assertEquals(10, c.info().size());
            assertEquals(3, c.offset());
            assertArrayEquals(bytes("3456"), c.readAllBytes());
        }
        assertArrayEquals(bytes("89"), read("a/b.txt", GetOptions.range(8, 100)));
        assertArrayEquals(bytes("789"), read("a/b.txt", new GetOptions(ByteRange.from(7), null, null)));
        try (ObjectContent c = store.get("a/b.txt", GetOptions.range(10, 5).withIfMatch(put.etag()))) {
            assertEquals(0, c.length());
            assertEquals(10, c.info().size());
            assertEquals(0, c.readAllBytes().length);
        }
        ObjectStoreException e = assertThrows(ObjectStoreException.class,
                () -> store.get("a/b.txt", GetOptions.range(20, 5).withIfMatch("0x8D0000000000000")));
        assertEquals(Kind.PRECONDITION_FAILED, e.kind());
        assertEquals(Kind.NOT_MODIFIED, assertThrows(ObjectStoreException.class,
                () -> store.get("a/b.txt", GetOptions.NONE.withIfNoneMatch(put.etag()))).kind());
        assertEquals(Kind.NOT_FOUND, assertThrows(ObjectStoreException.class, () -> store.head("nope")).kind());
        assertEquals(Kind.NOT_FOUND, assertThrows(ObjectStoreException.class,
                () -> store.get("nope", GetOptions.NONE)).kind());
    }

    @Test
    void emptyObjectsAndBodiesLargerThanOneReadBlock() throws Exception {
        store.put("empty", Payload.empty(), PutOptions.NONE);
        assertEquals(0, read("empty", GetOptions.NONE).length);
        assertEquals(0, read("empty", GetOptions.range(0, 10)).length);
        byte[] big = new byte[AzureBlobObjectStore.READ_BLOCK_SIZE * 2 + 12345];
        new Random(7).nextBytes(big);
        store.put("big", Payload.ofBytes(big), PutOptions.NONE);
        assertArrayEquals(big, read("big", GetOptions.NONE));
        byte[] part = read("big", GetOptions.range(AzureBlobObjectStore.READ_BLOCK_SIZE - 5, 10));
        assertArrayEquals(java.util.Arrays.copyOfRange(big, AzureBlobObjectStore.READ_BLOCK_SIZE - 5,
                AzureBlobObjectStore.READ_BLOCK_SIZE + 5), part);
    }

    @Test
    void conditionalPutsAndRacingCreators() throws Exception {
        ObjectInfo first = store.put("k", Payload.ofBytes(bytes("1")), PutOptions.NONE.withCreateOnly());
        assertEquals(Kind.PRECONDITION_FAILED, assertThrows(ObjectStoreException.class,
                () -> store.put("k", Payload.ofBytes(bytes("2")), PutOptions.NONE.withCreateOnly())).kind());
        ObjectInfo second = store.put("k", Payload.ofBytes(bytes("2")), PutOptions.NONE.withIfMatch(first.etag()));
        assertNotEquals(first.etag(), second.etag());
        ObjectStoreException stale = assertThrows(ObjectStoreException.class,
                () -> store.put("k", Payload.ofBytes(bytes("3")), PutOptions.NONE.withIfMatch(first.etag())));
        assertEquals(Kind.PRECONDITION_FAILED, stale.kind());

        ExecutorService pool = Executors.newFixedThreadPool(8);
        try {
            List<Future<Boolean>> racers = new ArrayList<>();
            for (int i = 0; i < 8; i++) {
                byte[] body = bytes("racer " + i);
                Callable<Boolean> c = () -> {
                    try {
                        store.put("race", Payload.ofBytes(body), PutOptions.NONE.withCreateOnly());
                        return true;
                    } catch (ObjectStoreException e) {
                        assertEquals(Kind.PRECONDITION_FAILED, e.kind());
                        return false;
                    }
                };
                racers.add(pool.submit(c));
            }
            int won = 0;
            for (Future<Boolean> f : racers) {
                won += f.get() ? 1 : 0;
            }
            assertEquals(1, won);
        } finally {
            pool.shutdownNow();
        }
    }

    @Test
    void multipartSurvivesARestartAndAbortMakesItUnknown() throws Exception {
        byte[] p1 = new byte[5 * 1024 * 1024];
        new Random(1).nextBytes(p1);
        MultipartUpload up = store.createMultipart("mp/file", PutOptions.metadata(Map.of("x-y", "z"))
                .withContentType("application/x-test"));
        CompletedPart c2 = store.uploadPart(up, 2, Payload.ofBytes(bytes("tail")));
        CompletedPart c1 = store.uploadPart(up, 1, Payload.ofBytes(p1));
        store.close();
        store = new AzureBlobObjectStore(azurite.spec(container), BackendSettings.DEFAULT);
        ObjectInfo done = store.completeMultipart(new MultipartUpload(up.key(), up.uploadId()), List.of(c1, c2));
        assertEquals(p1.length + 4, done.size());
        ObjectInfo head = store.head("mp/file");
        assertEquals(done.etag(), head.etag());
        assertEquals(p1.length + 4, head.size());
        assertEquals("application/x-test", head.contentType());
        assertEquals(Map.of("x-y", "z"), head.userMetadata());
        assertEquals(Kind.NOT_FOUND, assertThrows(ObjectStoreException.class,
                () -> store.completeMultipart(up, List.of(c1, c2))).kind());

        MultipartUpload aborted = store.createMultipart("mp/other", PutOptions.NONE);
        CompletedPart a1 = store.uploadPart(aborted, 1, Payload.ofBytes(bytes("x")));
        store.abortMultipart(aborted);
        store.abortMultipart(aborted);
        assertEquals(Kind.NOT_FOUND, assertThrows(ObjectStoreException.class,
                () -> store.completeMultipart(aborted, List.of(a1))).kind());
        assertEquals(Kind.NOT_FOUND, assertThrows(ObjectStoreException.class, () -> store.head("mp/other")).kind());

        MultipartUpload bogus = new MultipartUpload("mp/x", "not-an-upload-id");
        assertEquals(Kind.NOT_FOUND, assertThrows(ObjectStoreException.class,
                () -> store.uploadPart(bogus, 1, Payload.ofBytes(bytes("x")))).kind());
        assertEquals(Kind.NOT_FOUND, assertThrows(ObjectStoreException.class,
                () -> store.completeMultipart(bogus, List.of(new CompletedPart(1, "e")))).kind());
        store.abortMultipart(bogus);
        MultipartUpload otherKey = new MultipartUpload("mp/y", up.uploadId());
        assertEquals(Kind.NOT_FOUND, assertThrows(ObjectStoreException.class,
                () -> store.uploadPart(otherKey, 1, Payload.ofBytes(bytes("x")))).kind());
    }

    @Test
    void createOnlyMultipartFailsWhenTheKeyAppeared() throws Exception {
        MultipartUpload up = store.createMultipart("mp/c", PutOptions.NONE.withCreateOnly());
        CompletedPart p = store.uploadPart(up, 1, Payload.ofBytes(bytes("abc")));
        MultipartUpload up2 = store.createMultipart("mp/c", PutOptions.NONE.withCreateOnly());
        CompletedPart q = store.uploadPart(up2, 1, Payload.ofBytes(bytes("def")));
        store.completeMultipart(up2, List.of(q));
        ObjectStoreException e = assertThrows(ObjectStoreException.class,
                () -> store.completeMultipart(up, List.of(p)));
        assertEquals(Kind.PRECONDITION_FAILED, e.kind(), e.toString());
        assertArrayEquals(bytes("def"), read("mp/c", GetOptions.NONE));
    }

    @Test
    void copyKeepsOrReplacesMetadata() throws Exception {
        ObjectInfo src = store.put("src", Payload.ofBytes(bytes("data")),
                PutOptions.metadata(Map.of("a-b", "1")).withContentType("text/plain"));
        ObjectInfo kept = store.copy("src", "dst1", CopyOptions.KEEP_METADATA.withSourceIfMatch(src.etag()));
        assertEquals(Map.of("a-b", "1"), kept.userMetadata());
        assertEquals("text/plain", kept.contentType());
        assertArrayEquals(bytes("data"), read("dst1", GetOptions.NONE));
        ObjectInfo replaced = store.copy("src", "dst2", CopyOptions.replacingMetadata(Map.of("c", "2")));
        assertEquals(Map.of("c", "2"), store.head("dst2").userMetadata());
        assertEquals(replaced.etag(), store.head("dst2").etag());
        ObjectInfo cleared = store.copy("src", "dst3", new CopyOptions(null, Map.of(), "text/x"));
        assertEquals(Map.of(), store.head("dst3").userMetadata());
        assertEquals("text/x", cleared.contentType());
        ObjectInfo self = store.copy("src", "src", CopyOptions.replacingMetadata(Map.of("d", "4"))
                .withSourceIfMatch(src.etag()));
        assertEquals(Map.of("d", "4"), store.head("src").userMetadata());
        assertArrayEquals(bytes("data"), read("src", GetOptions.NONE));
        assertEquals(Kind.PRECONDITION_FAILED, assertThrows(ObjectStoreException.class,
                () -> store.copy("src", "dst4", CopyOptions.KEEP_METADATA.withSourceIfMatch(src.etag()))).kind());
        assertEquals(self.etag(), store.head("src").etag());
        assertEquals(Kind.NOT_FOUND, assertThrows(ObjectStoreException.class,
                () -> store.copy("missing", "dst5", CopyOptions.KEEP_METADATA)).kind());
    }

    @Test
    void oddKeysRoundTripAndListing() throws Exception {
        List<String> keys = List.of("sp ace", "plus+sign", "pct%20x", "pct%", "hash#tag", "uni/çé漢字",
                "dir/", "dir/sub/f", "dir/g", "q?x", "amp&x", "emoji😀");
        for (String k : keys) {
            store.put(k, Payload.ofBytes(bytes(k)), PutOptions.NONE);
        }
        for (String k : keys) {
            assertArrayEquals(bytes(k), read(k, GetOptions.NONE), k);
            assertEquals(k.getBytes(StandardCharsets.UTF_8).length, store.head(k).size(), k);
        }
        List<String> all = new ArrayList<>();
        String token = null;
        do {
            ListPage page = store.list(ListRequest.flat("").withMaxKeys(5).withContinuationToken(token));
            assertTrue(page.objects().size() <= 5);
            page.objects().forEach(o -> all.add(o.key()));
            token = page.nextContinuationToken();
        } while (token != null);
        assertEquals(keys.stream().sorted().toList(), all.stream().sorted().toList());
        ListPage dir = store.list(ListRequest.delimited("dir/", "/"));
        assertEquals(List.of("dir/", "dir/g"), dir.objects().stream().map(o -> o.key()).toList());
        assertEquals(List.of("dir/sub/"), dir.commonPrefixes());
        ListPage root = store.list(ListRequest.delimited("", "/"));
        assertTrue(root.commonPrefixes().containsAll(List.of("dir/", "uni/")), root.commonPrefixes().toString());
        Map<String, ObjectStoreException> failed = store.deleteAll(List.of("sp ace", "plus+sign", "never"));
        assertTrue(failed.isEmpty(), failed.toString());
        store.delete("never");
        assertEquals(Kind.NOT_FOUND, assertThrows(ObjectStoreException.class, () -> store.head("sp ace")).kind());
    }

    @Test
    void wrongKeyIsAccessDeniedAndNothingListeningIsTransient() throws Exception {
        String otherKey = java.util.Base64.getEncoder().encodeToString(new byte[64]);
        try (AzureBlobObjectStore bad = new AzureBlobObjectStore(azurite.spec(container)
                .withAzureAccount(AzuriteServer.ACCOUNT, otherKey, null), BackendSettings.DEFAULT)) {
            assertEquals(Kind.ACCESS_DENIED, assertThrows(ObjectStoreException.class, () -> bad.head("x")).kind());
        }
        BackendSettings fast = new BackendSettings(Duration.ofSeconds(1), Duration.ofSeconds(2),
                new RetryPolicy(2, Duration.ofMillis(10), Duration.ofMillis(20), Duration.ofSeconds(5)), 4);
        int port = AzuriteServer.freePort();
        try (AzureBlobObjectStore gone = new AzureBlobObjectStore(azurite.spec(container)
                .withEndpoint("http://127.0.0.1:" + port + "/" + AzuriteServer.ACCOUNT), fast)) {
            long t0 = System.nanoTime();
            assertEquals(Kind.TRANSIENT, assertThrows(ObjectStoreException.class, () -> gone.head("x")).kind());
            assertEquals(Kind.TRANSIENT, assertThrows(ObjectStoreException.class,
                    () -> gone.put("x", Payload.ofBytes(bytes("x")), PutOptions.NONE)).kind());
            assertTrue(System.nanoTime() - t0 < Duration.ofSeconds(20).toNanos());
            assertFalse(gone.describe().contains(AzuriteServer.KEY));
        }
    }
}
