package io.bucketfs.backends.s3;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
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
import io.bucketfs.backends.ObjectStore;
import io.bucketfs.backends.ObjectStoreException;
import io.bucketfs.backends.ObjectStoreException.Kind;
import io.bucketfs.backends.ObjectSummary;
import io.bucketfs.backends.Payload;
import io.bucketfs.backends.PutOptions;
import io.bucketfs.backends.RetryPolicy;
import java.io.ByteArrayInputStream;
import java.net.ServerSocket;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
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
 * S3-specific behaviour of {@link S3ObjectStore} against a real S3 server (S3Proxy): what the shared contract suite
 * checks for every store, plus what only the S3 mapping has to get right (416 handling, quoting, batching).
 */
@Timeout(value = 60, unit = TimeUnit.SECONDS)
class S3ObjectStoreSmokeTest {

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
    void putHeadGetRoundTripWithMetadataAndUnquotedEtag() throws Exception {
        byte[] data = bytes(1000, 1);
        ObjectInfo put = store.put("a/b.bin", Payload.ofBytes(data),
                PutOptions.metadata(Map.of("mode", "0644", "uid", "1000")).withContentType("text/plain"));
        assertFalse(put.etag().contains("\""), put.etag());
        assertEquals(1000, put.size());
        ObjectInfo head = store.head("a/b.bin");
        assertEquals(put.etag(), head.etag());
        assertEquals(1000, head.size());
        assertEquals(Map.of("mode", "0644", "uid", "1000"), head.userMetadata());
        assertEquals("text/plain", head.contentType());
        ObjectContent c = store.get("a/b.bin", GetOptions.NONE);
        assertEquals(0, c.offset());
        assertEquals(1000, c.length());
        assertEquals(put.etag(), c.info().etag());
        assertArrayEquals(data, read(c));
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
    void emptyObjectReadsEmptyWithAndWithoutRange() throws Exception {
        store.put("dir/", Payload.empty(), PutOptions.NONE);
        assertEquals(0, read(store.get("dir/", GetOptions.NONE)).length);
        ObjectContent c = store.get("dir/", GetOptions.range(0, 10));
        assertEquals(0, c.length());
        assertEquals(0, c.info().size());
        read(c);
    }

    @Test
    void getConditions() throws Exception {
        String etag = store.put("c", Payload.ofBytes(bytes(10, 3)), PutOptions.NONE).etag();
        assertEquals(10, read(store.get("c", GetOptions.NONE.withIfMatch(etag))).length);
        assertEquals(Kind.PRECONDITION_FAILED, assertThrows(ObjectStoreException.class,
                () -> store.get("c", GetOptions.NONE.withIfMatch("0123"))).kind());
        assertEquals(Kind.NOT_MODIFIED, assertThrows(ObjectStoreException.class,
                () -> store.get("c", GetOptions.NONE.withIfNoneMatch(etag))).kind());
        assertEquals(Kind.NOT_FOUND, assertThrows(ObjectStoreException.class,
                () -> store.get("missing", GetOptions.NONE)).kind());
        assertEquals(Kind.NOT_FOUND, assertThrows(ObjectStoreException.class, () -> store.head("missing")).kind());
    }

    @Test
    void conditionalPuts() throws Exception {
        String first = store.put("p", Payload.ofBytes(bytes(10, 4)), PutOptions.NONE.withCreateOnly()).etag();
        assertEquals(Kind.PRECONDITION_FAILED, assertThrows(ObjectStoreException.class,
                () -> store.put("p", Payload.ofBytes(bytes(10, 5)), PutOptions.NONE.withCreateOnly())).kind());
        String second = store.put("p", Payload.ofBytes(bytes(11, 6)), PutOptions.NONE.withIfMatch(first)).etag();
        assertEquals(Kind.PRECONDITION_FAILED, assertThrows(ObjectStoreException.class,
                () -> store.put("p", Payload.ofBytes(bytes(12, 7)), PutOptions.NONE.withIfMatch(first))).kind());
        assertEquals(second, store.head("p").etag());
        ObjectStoreException gone = assertThrows(ObjectStoreException.class,
                () -> store.put("nope", Payload.ofBytes(bytes(12, 7)), PutOptions.NONE.withIfMatch(first)));
        assertTrue(gone.kind() == Kind.NOT_FOUND || gone.kind() == Kind.PRECONDITION_FAILED, gone.toString());
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
    void copyKeepsOrReplacesMetadata() throws Exception {
        String etag = store.put("src", Payload.ofBytes(bytes(50, 11)), PutOptions.metadata(Map.of("a", "1")))
                .etag();
        ObjectInfo kept = store.copy("src", "dst1", CopyOptions.KEEP_METADATA.withSourceIfMatch(etag));
        assertEquals(50, kept.size());
        assertEquals(Map.of("a", "1"), store.head("dst1").userMetadata());
        ObjectInfo replaced = store.copy("src", "dst2", CopyOptions.replacingMetadata(Map.of("b", "2")));
        assertEquals(Map.of("b", "2"), replaced.userMetadata());
        assertEquals(Kind.PRECONDITION_FAILED, assertThrows(ObjectStoreException.class,
                () -> store.copy("src", "dst3", CopyOptions.KEEP_METADATA.withSourceIfMatch("bad"))).kind());
        assertEquals(Kind.NOT_FOUND, assertThrows(ObjectStoreException.class,
                () -> store.copy("missing", "dst4", CopyOptions.KEEP_METADATA)).kind());
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
    void listsWithDelimiterAndPages() throws Exception {
        for (String k : List.of("l/a", "l/b/1", "l/b/2", "l/c", "l/d/", "m")) {
            store.put(k, Payload.empty(), PutOptions.NONE);
        }
        ListPage top = store.list(ListRequest.delimited("l/", "/"));
        assertEquals(List.of("l/a", "l/c"), top.objects().stream().map(ObjectSummary::key).toList());
        assertEquals(List.of("l/b/", "l/d/"), top.commonPrefixes());
        assertTrue(top.isLast());
        List<String> all = new ArrayList<>();
        String token = null;
        int pages = 0;
        do {
            ListPage p = store.list(ListRequest.flat("l/").withMaxKeys(2).withContinuationToken(token));
            p.objects().forEach(o -> all.add(o.key()));
            token = p.nextContinuationToken();
            pages++;
        } while (token != null);
        assertEquals(List.of("l/a", "l/b/1", "l/b/2", "l/c", "l/d/"), all);
        assertEquals(3, pages);
    }

    @Test
    void awkwardKeysRoundTrip() throws Exception {
        List<String> keys = List.of("sp ace/f i le", "uni/äöü €/日本語", "plus+sign", "pct%20lit", "hash#tag",
                "q?x=1&y", "trail/", "emoji/\uD83D\uDE00");
        for (String k : keys) {
            // directory markers are empty (S3Proxy's filesystem store keeps no data under a key ending in '/')
            byte[] body = k.endsWith("/") ? new byte[0] : k.getBytes(StandardCharsets.UTF_8);
            store.put(k, Payload.ofBytes(body), PutOptions.NONE);
            assertArrayEquals(body, read(store.get(k, GetOptions.NONE)), k);
            assertEquals(k, store.head(k).key());
        }
        List<String> listed = store.list(ListRequest.flat("")).objects().stream().map(ObjectSummary::key)
                .sorted().toList();
        assertEquals(keys.stream().sorted().toList(), listed);
    }

    @Test
    void wrongCredentialsAreAccessDenied() throws Exception {
        try (ObjectStore bad = new S3ObjectStore(server.spec(server.createBucket()).withKeys("nobody", "wrong"),
                BackendSettings.DEFAULT)) {
            ObjectStoreException e = assertThrows(ObjectStoreException.class, () -> bad.head("x"));
            assertEquals(Kind.ACCESS_DENIED, e.kind(), e.toString());
            e = assertThrows(ObjectStoreException.class,
                    () -> bad.put("x", Payload.ofBytes(new byte[3]), PutOptions.NONE));
            assertEquals(Kind.ACCESS_DENIED, e.kind(), e.toString());
        }
    }

    @Test
    void unreachableEndpointIsTransientAfterRetries() throws Exception {
        int port;
        try (ServerSocket s = new ServerSocket(0, 1, java.net.InetAddress.getLoopbackAddress())) {
            port = s.getLocalPort();
        }
        BackendSettings fast = new BackendSettings(Duration.ofMillis(500), Duration.ofSeconds(2),
                new RetryPolicy(3, Duration.ofMillis(10), Duration.ofMillis(50), Duration.ofSeconds(5)), 4);
        try (ObjectStore dead = new S3ObjectStore(server.spec("b").withEndpoint("http://127.0.0.1:" + port), fast)) {
            long t0 = System.nanoTime();
            ObjectStoreException e = assertThrows(ObjectStoreException.class, () -> dead.head("x"));
            assertEquals(Kind.TRANSIENT, e.kind(), e.toString());
            assertTrue(System.nanoTime() - t0 < TimeUnit.SECONDS.toNanos(10));
        }
    }

    @Test
    void describeNamesNoSecret() {
        String d = store.describe();
        assertTrue(d.contains(server.endpoint().toString()), d);
        assertFalse(d.contains(S3ProxyServer.SECRET), d);
    }
}
