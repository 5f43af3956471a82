package io.bucketfs.backends;

import static io.bucketfs.backends.ObjectStoreException.Kind.ACCESS_DENIED;
import static io.bucketfs.backends.ObjectStoreException.Kind.NOT_FOUND;
import static io.bucketfs.backends.ObjectStoreException.Kind.NOT_MODIFIED;
import static io.bucketfs.backends.ObjectStoreException.Kind.PRECONDITION_FAILED;
import static io.bucketfs.backends.ObjectStoreException.Kind.TRANSIENT;
import static java.nio.charset.StandardCharsets.UTF_8;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.io.InputStream;
import java.nio.ByteBuffer;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.TreeSet;
import java.util.concurrent.Callable;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.function.Executable;
import org.junit.jupiter.api.io.TempDir;

/**
 * The {@link ObjectStore} contract, written once and run against every implementation (a subclass per store,
 * each on a real server). Every case runs on a fresh, empty bucket.
 *
 * <p>The big multipart object is {@value #DEFAULT_BIG_MIB} MiB by default; {@code -Dbucketfs.test.bigObjectMiB=N}
 * changes it.
 */
@Timeout(value = 120, unit = TimeUnit.SECONDS)
public abstract class ObjectStoreContractTest {

    static final int DEFAULT_BIG_MIB = 100;

    /** A store over a new, empty bucket (one per test). */
    protected abstract ObjectStore openFreshStore() throws Exception;

    /** A store whose credentials the server rejects. */
    protected abstract ObjectStore openStoreWithWrongCredentials() throws Exception;

    /** A store whose endpoint nothing listens on, with the given (fast) settings. */
    protected abstract ObjectStore openStoreWithUnreachableEndpoint(BackendSettings settings) throws Exception;

    protected ObjectStore store;

    @TempDir
    protected Path tmp;

    @BeforeEach
    void openStore() throws Exception {
        store = openFreshStore();
    }

    @AfterEach
    void closeStore() {
        if (store != null) {
            store.close();
        }
    }

    // ---------------------------------------------------------------- put / get / head

    @Test
    void emptyObjectRoundTrips() throws Exception {
        ObjectInfo put = store.put("empty", Payload.empty(), PutOptions.NONE);
        assertEquals(0, put.size());
        ObjectInfo head = store.head("empty");
        assertEquals(0, head.size());
        assertEquals(put.etag(), head.etag());
        assertArrayEquals(new byte[0], read("empty", GetOptions.NONE));
        try (ObjectContent c = store.get("empty", GetOptions.range(0, 10))) {
            assertEquals(0, c.length());
            assertEquals(0, c.info().size());
            assertEquals(-1, c.stream().read());
        }
    }

    @Test
    void oneByteObjectRoundTripsWithMetadataAndType() throws Exception {
        Map<String, String> meta = Map.of("mode", "100644", "uid", "1000", "x-dos-attrs", "0x20");
        ObjectInfo put = store.put("one", Payload.ofBytes(new byte[] {42}),
                PutOptions.metadata(meta).withContentType("application/x-test"));
        assertEquals(1, put.size());
        assertTrue(!put.etag().isEmpty() && !put.etag().startsWith("\""), "etag unquoted: " + put.etag());
        ObjectInfo head = store.head("one");
        assertEquals(1, head.size());
        assertEquals(put.etag(), head.etag());
        assertEquals(meta, head.userMetadata());
        assertEquals("application/x-test", head.contentType());
        assertTrue(head.lastModified() != null);
        try (ObjectContent c = store.get("one", GetOptions.NONE)) {
            assertEquals(meta, c.info().userMetadata());
            assertArrayEquals(new byte[] {42}, c.readAllBytes());
        }
    }

    @Test
    void putReplacesAndChangesEtag() throws Exception {
        ObjectInfo a = store.put("k", Payload.ofBytes(bytes("first")), PutOptions.metadata(Map.of("v", "1")));
        ObjectInfo b = store.put("k", Payload.ofBytes(bytes("second!")), PutOptions.NONE);
        assertNotEquals(a.etag(), b.etag());
        assertEquals("second!", new String(read("k", GetOptions.NONE), UTF_8));
        assertEquals(Map.of(), store.head("k").userMetadata(), "a PUT replaces metadata too");
    }

    @Test
    void putFromFileRangeAndByteBuffer() throws Exception {
        byte[] data = random(10_000, 7);
        Path f = tmp.resolve("src");
        Files.write(f, data);
        store.put("file-range", Payload.ofFile(f, 1000, 5000), PutOptions.NONE);
        assertArrayEquals(Arrays.copyOfRange(data, 1000, 6000), read("file-range", GetOptions.NONE));
        ByteBuffer buf = ByteBuffer.wrap(data, 10, 20);
        store.put("buffer", Payload.ofByteBuffer(buf), PutOptions.NONE);
        assertEquals(10, buf.position(), "the payload never moves the caller's buffer");
        assertArrayEquals(Arrays.copyOfRange(data, 10, 30), read("buffer", GetOptions.NONE));
        store.put("stream", Payload.ofStream(new java.io.ByteArrayInputStream(data), 100), PutOptions.NONE);
        assertArrayEquals(Arrays.copyOf(data, 100), read("stream", GetOptions.NONE));
    }

    @Test
    void missingKeyIsNotFound() throws Exception {
        assertKind(NOT_FOUND, () -> store.head("nope"));
        assertKind(NOT_FOUND, () -> store.get("nope", GetOptions.NONE).close());
        assertKind(NOT_FOUND, () -> store.get("nope", GetOptions.range(5, 5)).close());
        assertKind(NOT_FOUND, () -> store.copy("nope", "dst", CopyOptions.KEEP_METADATA));
    }

    @Test
    void invalidArgumentsAreRefusedBeforeAnyRequest() {
        assertThrows(IllegalArgumentException.class, () -> store.put("", Payload.empty(), PutOptions.NONE));
        assertThrows(IllegalArgumentException.class, () -> PutOptions.metadata(Map.of("Bad_Key", "v")));
        assertThrows(IllegalArgumentException.class, () -> PutOptions.metadata(Map.of("k", "caf\u00e9")));
        assertThrows(IllegalArgumentException.class, () -> store.head("x".repeat(1025)));
    }

    // ---------------------------------------------------------------- ranges

    @Test
    void rangesAtBothEdgesAndPastTheEnd() throws Exception {
        byte[] data = random(1000, 1);
        ObjectInfo put = store.put("r", Payload.ofBytes(data), PutOptions.NONE);
        assertRange(data, 0, 1);
        assertRange(data, 0, 1000);
        assertRange(data, 999, 1);
        assertRange(data, 500, 100);
        // ends past the end: cut at the end
        try (ObjectContent c = store.get("r", GetOptions.range(990, 100))) {
            assertEquals(990, c.offset());
            assertEquals(10, c.length());
            assertEquals(1000, c.info().size(), "info carries the whole object's size");
            assertEquals(put.etag(), c.info().etag());
            assertArrayEquals(Arrays.copyOfRange(data, 990, 1000), c.readAllBytes());
        }
        // from an offset to the end
        try (ObjectContent c = store.get("r", new GetOptions(ByteRange.from(900), null, null))) {
            assertArrayEquals(Arrays.copyOfRange(data, 900, 1000), c.readAllBytes());
        }
        // starts at or past the end: empty, not an error
        for (long off : new long[] {1000, 1001, 1_000_000}) {
            try (ObjectContent c = store.get("r", GetOptions.range(off, 10))) {
                assertEquals(0, c.length(), "range at " + off);
                assertEquals(1000, c.info().size());
                assertEquals(-1, c.stream().read());
            }
        }
    }

    private void assertRange(byte[] data, int off, int len) throws Exception {
        try (ObjectContent c = store.get("r", GetOptions.range(off, len))) {
            assertEquals(off, c.offset());
            assertEquals(len, c.length());
            assertEquals(data.length, c.info().size());
            assertArrayEquals(Arrays.copyOfRange(data, off, off + len), c.readAllBytes(), "range " + off + "+" + len);
        }
    }

    // ---------------------------------------------------------------- conditions

    @Test
    void staleIfMatchIsRefusedOnGetPutAndCopy() throws Exception {
        ObjectInfo v1 = store.put("c", Payload.ofBytes(bytes("v1")), PutOptions.NONE);
        ObjectInfo v2 = store.put("c", Payload.ofBytes(bytes("v2-longer")), PutOptions.NONE);
        assertNotEquals(v1.etag(), v2.etag());

        assertKind(PRECONDITION_FAILED, () -> store.get("c", GetOptions.NONE.withIfMatch(v1.etag())).close());
        assertKind(PRECONDITION_FAILED, () -> store.get("c", GetOptions.range(1, 2).withIfMatch(v1.etag())).close());
        assertKind(PRECONDITION_FAILED,
                () -> store.put("c", Payload.ofBytes(bytes("v3")), PutOptions.NONE.withIfMatch(v1.etag())));
        assertKind(PRECONDITION_FAILED,
                () -> store.copy("c", "c2", CopyOptions.KEEP_METADATA.withSourceIfMatch(v1.etag())));
        assertEquals("v2-longer", new String(read("c", GetOptions.NONE), UTF_8), "refused writes change nothing");
        assertKind(NOT_FOUND, () -> store.head("c2"));

        assertEquals("v2-longer", new String(read("c", GetOptions.NONE.withIfMatch(v2.etag())), UTF_8));
        ObjectInfo v3 = store.put("c", Payload.ofBytes(bytes("v3")), PutOptions.NONE.withIfMatch(v2.etag()));
        assertEquals("v3", new String(read("c", GetOptions.NONE), UTF_8));
        store.copy("c", "c2", CopyOptions.KEEP_METADATA.withSourceIfMatch(v3.etag()));
        assertEquals("v3", new String(read("c2", GetOptions.NONE), UTF_8));
    }

    @Test
    void ifNoneMatchOnGetReportsNotModified() throws Exception {
        ObjectInfo v1 = store.put("n", Payload.ofBytes(bytes("v1")), PutOptions.NONE);
        assertKind(NOT_MODIFIED, () -> store.get("n", GetOptions.NONE.withIfNoneMatch(v1.etag())).close());
        store.put("n", Payload.ofBytes(bytes("v2")), PutOptions.NONE);
        assertEquals("v2", new String(read("n", GetOptions.NONE.withIfNoneMatch(v1.etag())), UTF_8));
    }

    @Test
    void ifMatchOnMissingKeyFails() throws Exception {
        ObjectStoreException e = assertThrows(ObjectStoreException.class,
                () -> store.put("ghost", Payload.ofBytes(bytes("x")), PutOptions.NONE.withIfMatch("abc")));
        assertTrue(e.kind() == PRECONDITION_FAILED || e.kind() == NOT_FOUND, "kind " + e.kind());
        assertKind(NOT_FOUND, () -> store.head("ghost"));
    }

    @Test
    void createOnlyPutRacingHasExactlyOneWinner() throws Exception {
        int racers = 8;
        ExecutorService pool = Executors.newFixedThreadPool(racers);
        try {
            for (int round = 0; round < 3; round++) {
                String key = "race-" + round;
                CountDownLatch go = new CountDownLatch(1);
                List<Future<String>> results = new ArrayList<>();
                for (int i = 0; i < racers; i++) {
                    String body = "writer-" + i;
                    results.add(pool.submit(() -> {
                        go.await();
                        try {
                            store.put(key, Payload.ofBytes(bytes(body)), PutOptions.NONE.withCreateOnly());
                            return body;
                        } catch (ObjectStoreException e) {
                            assertEquals(PRECONDITION_FAILED, e.kind(), "loser kind: " + e);
                            return null;
                        }
                    }));
                }
                go.countDown();
                List<String> winners = new ArrayList<>();
                for (Future<String> f : results) {
                    String w = f.get(60, TimeUnit.SECONDS);
                    if (w != null) {
                        winners.add(w);
                    }
                }
                assertEquals(1, winners.size(), "winners of round " + round + ": " + winners);
                assertEquals(winners.get(0), new String(read(key, GetOptions.NONE), UTF_8));
            }
        } finally {
            pool.shutdownNow();
        }
        assertKind(PRECONDITION_FAILED,
                () -> store.put("race-0", Payload.ofBytes(bytes("late")), PutOptions.NONE.withCreateOnly()));
    }

    // ---------------------------------------------------------------- multipart

    @Test
    @Timeout(value = 600, unit = TimeUnit.SECONDS)
    void bigObjectInParallelMultipartRoundTrips() throws Exception {
        long mib = Long.getLong("bucketfs.test.bigObjectMiB", DEFAULT_BIG_MIB);
        long size = mib * 1024 * 1024 + 12_345; // a short last part
        long partSize = 8L * 1024 * 1024;
        Path src = tmp.resolve("big");
        MessageDigest want = MessageDigest.getInstance("SHA-256");
        writeRandomFile(src, size, want);

        Map<String, String> meta = Map.of("mode", "100600");
        MultipartUpload up = store.createMultipart("big/object.bin", PutOptions.metadata(meta));
        int parts = (int) ((size + partSize - 1) / partSize);
        ExecutorService pool = Executors.newFixedThreadPool(4);
        List<CompletedPart> done = new ArrayList<>();
        try {
            List<Future<CompletedPart>> futures = new ArrayList<>();
            for (int p = parts; p >= 1; p--) { // in reverse, to prove order comes from the part numbers
                int n = p;
                long off = (n - 1) * partSize;
                long len = Math.min(partSize, size - off);
                futures.add(pool.submit(() -> store.uploadPart(up, n, Payload.ofFile(src, off, len))));
            }
            for (Future<CompletedPart> f : futures) {
                done.add(f.get(300, TimeUnit.SECONDS));
            }
        } finally {
            pool.shutdownNow();
        }
        done.sort((a, b) -> Integer.compare(a.partNumber(), b.partNumber()));
        assertKind(NOT_FOUND, () -> store.head("big/object.bin"));
        ObjectInfo info = store.completeMultipart(up, done);
        assertEquals(size, info.size());
        ObjectInfo head = store.head("big/object.bin");
        assertEquals(size, head.size());
        assertEquals(info.etag(), head.etag());
        assertEquals(meta, head.userMetadata());

        MessageDigest got = MessageDigest.getInstance("SHA-256");
        try (ObjectContent c = store.get("big/object.bin", GetOptions.NONE.withIfMatch(head.etag()))) {
            assertEquals(size, c.length());
            digest(c.stream(), got);
        }
        assertEquals(HexFormat.of().formatHex(want.digest()), HexFormat.of().formatHex(got.digest()));

        // a range straddling a part boundary
        byte[] expected = new byte[100];
        try (var ch = java.nio.channels.FileChannel.open(src)) {
            ch.read(ByteBuffer.wrap(expected), partSize - 50);
        }
        try (ObjectContent c = store.get("big/object.bin", GetOptions.range(partSize - 50, 100))) {
            assertArrayEquals(expected, c.readAllBytes());
        }
    }

    @Test
    void multipartPartReplacementAbortAndUnknownUploads() throws Exception {
        byte[] p1 = random((int) ObjectStore.MIN_PART_SIZE, 3);
        byte[] p2 = random(1000, 4);
        MultipartUpload up = store.createMultipart("mp", PutOptions.NONE);
        store.uploadPart(up, 1, Payload.ofBytes(random((int) ObjectStore.MIN_PART_SIZE, 9)));
        CompletedPart c1 = store.uploadPart(up, 1, Payload.ofBytes(p1)); // replaces the first upload of part 1
        CompletedPart c2 = store.uploadPart(up, 2, Payload.ofBytes(p2));
        store.completeMultipart(up, List.of(c1, c2));
        byte[] all = read("mp", GetOptions.NONE);
        assertEquals(p1.length + p2.length, all.length);
        assertArrayEquals(p1, Arrays.copyOf(all, p1.length));
        assertArrayEquals(p2, Arrays.copyOfRange(all, p1.length, all.length));

        MultipartUpload aborted = store.createMultipart("mp-aborted", PutOptions.NONE);
        CompletedPart a1 = store.uploadPart(aborted, 1, Payload.ofBytes(p2));
        store.abortMultipart(aborted);
        store.abortMultipart(aborted); // aborting twice is fine
        assertKind(NOT_FOUND, () -> store.head("mp-aborted"));
        ObjectStoreException e = assertThrows(ObjectStoreException.class,
                () -> store.completeMultipart(aborted, List.of(a1)));
        assertTrue(e.kind() == NOT_FOUND || e.kind() == ObjectStoreException.Kind.PERMANENT, "kind " + e.kind());
        assertKind(NOT_FOUND, () -> store.head("mp-aborted"));
    }

    @Test
    void createOnlyMultipartFailsWhenKeyAppearedMeanwhile() throws Exception {
        MultipartUpload up = store.createMultipart("late", PutOptions.NONE.withCreateOnly());
        CompletedPart p = store.uploadPart(up, 1, Payload.ofBytes(bytes("part")));
        store.put("late", Payload.ofBytes(bytes("first")), PutOptions.NONE);
        assertKind(PRECONDITION_FAILED, () -> store.completeMultipart(up, List.of(p)));
        assertEquals("first", new String(read("late", GetOptions.NONE), UTF_8));
        store.abortMultipart(up);
    }

    // ---------------------------------------------------------------- copy / delete

    @Test
    void copyKeepsOrReplacesMetadata() throws Exception {
        Map<String, String> meta = Map.of("mode", "100644", "owner", "alice");
        ObjectInfo src = store.put("src", Payload.ofBytes(bytes("payload")),
                PutOptions.metadata(meta).withContentType("text/plain"));
        ObjectInfo kept = store.copy("src", "dst/kept", CopyOptions.KEEP_METADATA);
        assertEquals(7, kept.size());
        ObjectInfo keptHead = store.head("dst/kept");
        assertEquals(meta, keptHead.userMetadata());
        assertEquals("text/plain", keptHead.contentType());
        assertEquals("payload", new String(read("dst/kept", GetOptions.NONE), UTF_8));

        Map<String, String> fresh = Map.of("mode", "100600");
        store.copy("src", "dst/replaced", CopyOptions.replacingMetadata(fresh).withSourceIfMatch(src.etag()));
        assertEquals(fresh, store.head("dst/replaced").userMetadata());
        assertEquals("payload", new String(read("dst/replaced", GetOptions.NONE), UTF_8));

        // in place: the way metadata of an existing object is changed
        store.copy("src", "src", CopyOptions.replacingMetadata(Map.of("mode", "100755")));
        assertEquals(Map.of("mode", "100755"), store.head("src").userMetadata());
        assertEquals("payload", new String(read("src", GetOptions.NONE), UTF_8));
        assertEquals(meta, store.head("dst/kept").userMetadata(), "copies are independent");
    }

    @Test
    void deleteIsIdempotentAndBatchDeleteReportsNothingForMissingKeys() throws Exception {
        store.delete("never-existed");
        store.put("d", Payload.ofBytes(bytes("x")), PutOptions.NONE);
        store.delete("d");
        store.delete("d");
        assertKind(NOT_FOUND, () -> store.head("d"));

        List<String> keys = new ArrayList<>();
        for (int i = 0; i < 30; i++) {
            keys.add("batch/" + i);
            store.put("batch/" + i, Payload.ofBytes(bytes("b" + i)), PutOptions.NONE);
        }
        keys.add("batch/missing");
        assertEquals(Map.of(), store.deleteAll(keys));
        assertEquals(List.of(), store.list(ListRequest.flat("batch/")).objects());
        assertEquals(Map.of(), store.deleteAll(List.of()));
    }

    // ---------------------------------------------------------------- keys and listing

    static final List<String> ODD_KEYS = List.of("with space", "sp ace/inner file.txt", "unicode/\u00e9t\u00e9-\u65e5\u672c-\ud83d\ude00",
            "plus+sign", "percent%20literal", "percent%", "hash#tag", "question?mark", "amp&er=sand",
            "dir-marker/", "a/b/c/", "tilde~", "quote'and\"double", "brackets[]{}", "colon:semi;comma,",
            "back\\slash", "caret^pipe|", "trailing.dot./x..y", "double//slash");

    @Test
    void oddKeysRoundTripThroughPutGetHeadListCopyAndDelete() throws Exception {
        for (String k : ODD_KEYS) {
            store.put(k, Payload.ofBytes(bytes("value of " + k)), PutOptions.metadata(Map.of("k", "v")));
        }
        for (String k : ODD_KEYS) {
            assertEquals("value of " + k, new String(read(k, GetOptions.NONE), UTF_8), k);
            assertEquals(Map.of("k", "v"), store.head(k).userMetadata(), k);
        }
        assertEquals(new TreeSet<>(ODD_KEYS), new TreeSet<>(listAll(ListRequest.flat(""), null)));
        for (String k : ODD_KEYS) {
            store.copy(k, "copy/" + k, CopyOptions.KEEP_METADATA);
            assertEquals("value of " + k, new String(read("copy/" + k, GetOptions.NONE), UTF_8), "copy of " + k);
        }
        List<String> under = listAll(ListRequest.flat("unicode/"), null);
        assertEquals(List.of("unicode/\u00e9t\u00e9-\u65e5\u672c-\ud83d\ude00"), under);
        for (String k : ODD_KEYS) {
            store.delete(k);
            assertKind(NOT_FOUND, () -> store.head(k));
        }
        assertEquals(ODD_KEYS.size(), listAll(ListRequest.flat(""), null).size(), "only the copies are left");
    }

    @Test
    void directoryMarkerAndSiblingFileCoexist() throws Exception {
        store.put("a", Payload.ofBytes(bytes("file a")), PutOptions.NONE);
        store.put("a/", Payload.empty(), PutOptions.NONE);
        store.put("a/b", Payload.ofBytes(bytes("file a/b")), PutOptions.NONE);
        assertEquals("file a", new String(read("a", GetOptions.NONE), UTF_8));
        assertEquals(0, store.head("a/").size());
        assertEquals("file a/b", new String(read("a/b", GetOptions.NONE), UTF_8));
        ListPage root = store.list(ListRequest.delimited("", "/"));
        assertEquals(List.of("a"), keys(root.objects()));
        assertEquals(List.of("a/"), root.commonPrefixes());
        ListPage inside = store.list(ListRequest.delimited("a/", "/"));
        assertEquals(List.of("a/", "a/b"), keys(inside.objects()));
        assertEquals(List.of(), inside.commonPrefixes());
        store.delete("a/b");
        assertEquals("file a", new String(read("a", GetOptions.NONE), UTF_8));
        assertEquals(0, store.head("a/").size());
    }

    @Test
    void listingOf2500KeysPagesWithAndWithoutDelimiter() throws Exception {
        List<String> expected = new ArrayList<>();
        ExecutorService pool = Executors.newFixedThreadPool(8);
        try {
            List<Future<?>> puts = new ArrayList<>();
            for (int d = 0; d < 5; d++) {
                for (int i = 0; i < 500; i++) {
                    String key = String.format("list/dir%d/file-%04d", d, i);
                    expected.add(key);
                    puts.add(pool.submit((Callable<Void>) () -> {
                        store.put(key, Payload.ofBytes(bytes(key)), PutOptions.NONE);
                        return null;
                    }));
                }
            }
            puts.add(pool.submit((Callable<Void>) () -> {
                store.put("list/top-level", Payload.ofBytes(bytes("t")), PutOptions.NONE);
                return null;
            }));
            store.put("listing-sibling", Payload.ofBytes(bytes("not under list/")), PutOptions.NONE);
            for (Future<?> f : puts) {
                f.get(120, TimeUnit.SECONDS);
            }
        } finally {
            pool.shutdownNow();
        }
        expected.add("list/top-level");
        expected.sort(ObjectKeys.UTF8_ORDER);

        AtomicInteger pages = new AtomicInteger();
        List<String> flat = listAll(ListRequest.flat("list/"), pages);
        assertEquals(expected, flat, "every key once, in order");
        assertTrue(pages.get() >= 3, "2,501 keys take at least 3 pages of 1,000; got " + pages.get());

        pages.set(0);
        List<String> small = listAll(ListRequest.flat("list/dir3/").withMaxKeys(7), pages);
        assertEquals(500, small.size());
        assertEquals(72, pages.get(), "500 keys in pages of 7");

        ListPage delimited = store.list(ListRequest.delimited("list/", "/"));
        assertEquals(List.of("list/dir0/", "list/dir1/", "list/dir2/", "list/dir3/", "list/dir4/"),
                delimited.commonPrefixes());
        assertEquals(List.of("list/top-level"), keys(delimited.objects()));
        assertTrue(delimited.isLast());

        // delimited listing paged: prefixes and objects count towards maxKeys, none is lost or repeated
        List<String> seen = new ArrayList<>();
        ListRequest req = ListRequest.delimited("list/", "/").withMaxKeys(2);
        for (int guard = 0; guard < 20; guard++) {
            ListPage p = store.list(req);
            assertTrue(p.objects().size() + p.commonPrefixes().size() <= 2);
            seen.addAll(p.commonPrefixes());
            seen.addAll(keys(p.objects()));
            if (p.isLast()) {
                break;
            }
            req = req.withContinuationToken(p.nextContinuationToken());
        }
        seen.sort(ObjectKeys.UTF8_ORDER);
        assertEquals(List.of("list/dir0/", "list/dir1/", "list/dir2/", "list/dir3/", "list/dir4/", "list/top-level"),
                seen);

        ListPage none = store.list(ListRequest.flat("no-such-prefix/"));
        assertEquals(List.of(), none.objects());
        assertTrue(none.isLast());
    }

    // ---------------------------------------------------------------- failures

    @Test
    void wrongCredentialsAreAccessDenied() throws Exception {
        try (ObjectStore bad = openStoreWithWrongCredentials()) {
            long t0 = System.nanoTime();
            assertKind(ACCESS_DENIED, () -> bad.head("anything"));
            assertKind(ACCESS_DENIED, () -> bad.put("anything", Payload.ofBytes(bytes("x")), PutOptions.NONE));
            assertKind(ACCESS_DENIED, () -> bad.list(ListRequest.flat("")));
            assertTrue(Duration.ofNanos(System.nanoTime() - t0).toSeconds() < 20, "4xx is never retried");
        }
    }

    @Test
    void unreachableEndpointIsTransientAfterBoundedRetries() throws Exception {
        RetryPolicy retry = new RetryPolicy(3, Duration.ofMillis(50), Duration.ofMillis(200), Duration.ofSeconds(10));
        BackendSettings fast = BackendSettings.DEFAULT.withTimeouts(Duration.ofSeconds(2), Duration.ofSeconds(5))
                .withRetry(retry);
        try (ObjectStore dead = openStoreWithUnreachableEndpoint(fast)) {
            long t0 = System.nanoTime();
            assertKind(TRANSIENT, () -> dead.head("k"));
            assertKind(TRANSIENT, () -> dead.put("k", Payload.ofBytes(bytes("x")), PutOptions.NONE));
            assertKind(TRANSIENT, () -> dead.list(ListRequest.flat("")));
            Duration took = Duration.ofNanos(System.nanoTime() - t0);
            assertTrue(took.toSeconds() < 45, "bounded: " + took);
        }
    }

    // ---------------------------------------------------------------- helpers

    protected byte[] read(String key, GetOptions options) throws IOException {
        try (ObjectContent c = store.get(key, options)) {
            return c.readAllBytes();
        }
    }

    protected List<String> listAll(ListRequest first, AtomicInteger pages) throws IOException {
        List<String> out = new ArrayList<>();
        ListRequest req = first;
        for (int guard = 0; guard < 10_000; guard++) {
            ListPage p = store.list(req);
            if (pages != null) {
                pages.incrementAndGet();
            }
            out.addAll(keys(p.objects()));
            out.addAll(p.commonPrefixes());
            if (p.isLast()) {
                return out;
            }
            req = req.withContinuationToken(p.nextContinuationToken());
        }
        throw new AssertionError("listing did not end");
    }

    protected static List<String> keys(List<ObjectSummary> objects) {
        List<String> out = new ArrayList<>();
        for (ObjectSummary s : objects) {
            out.add(s.key());
        }
        return out;
    }

    protected static void assertKind(ObjectStoreException.Kind kind, Executable call) {
        ObjectStoreException e = assertThrows(ObjectStoreException.class, call);
        assertEquals(kind, e.kind(), () -> "expected " + kind + " but got " + e);
    }

    protected static byte[] bytes(String s) {
        return s.getBytes(UTF_8);
    }

    protected static byte[] random(int n, long seed) {
        byte[] b = new byte[n];
        new Random(seed).nextBytes(b);
        return b;
    }

    private static void writeRandomFile(Path f, long size, MessageDigest md) throws IOException {
        Random r = new Random(size);
        byte[] buf = new byte[1 << 20];
        try (var out = Files.newOutputStream(f)) {
            long left = size;
            while (left > 0) {
                int n = (int) Math.min(buf.length, left);
                r.nextBytes(buf);
                out.write(buf, 0, n);
                md.update(buf, 0, n);
                left -= n;
            }
        }
    }

    private static void digest(InputStream in, MessageDigest md) throws IOException {
        byte[] buf = new byte[1 << 16];
        for (int n; (n = in.read(buf)) > 0; ) {
            md.update(buf, 0, n);
        }
    }
}
