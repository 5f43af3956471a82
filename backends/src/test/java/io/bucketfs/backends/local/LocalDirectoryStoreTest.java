package io.bucketfs.backends.local;

import static java.nio.charset.StandardCharsets.UTF_8;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.bucketfs.backends.CompletedPart;
import io.bucketfs.backends.GetOptions;
import io.bucketfs.backends.ListPage;
import io.bucketfs.backends.ListRequest;
import io.bucketfs.backends.MultipartUpload;
import io.bucketfs.backends.ObjectContent;
import io.bucketfs.backends.ObjectInfo;
import io.bucketfs.backends.ObjectStoreException;
import io.bucketfs.backends.ObjectStoreException.Kind;
import io.bucketfs.backends.ObjectSummary;
import io.bucketfs.backends.Payload;
import io.bucketfs.backends.PutOptions;
import java.io.ByteArrayInputStream;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/** What only the local store has to get right: its files on disk, crashes, and its own limits. */
@Timeout(value = 30, unit = TimeUnit.SECONDS)
class LocalDirectoryStoreTest {

    @TempDir
    Path dir;

    @Test
    void objectsSurviveReopenAndLeftoverTempFilesAreCleared() throws Exception {
        LocalDirectoryStore s = LocalDirectoryStore.create(dir);
        ObjectInfo put = s.put("a/b", Payload.ofBytes("hello".getBytes(UTF_8)), PutOptions.metadata(Map.of("m", "1")));
        // a crash in the middle of a put leaves a temp file behind
        Files.write(dir.resolve("tmp").resolve("w123.tmp"), new byte[1000]);
        assertEquals(List.of("a/b"), keys(s.list(ListRequest.flat(""))));

        LocalDirectoryStore again = new LocalDirectoryStore(dir);
        assertEquals(put.etag(), again.head("a/b").etag());
        assertEquals(Map.of("m", "1"), again.head("a/b").userMetadata());
        try (Stream<Path> tmp = Files.list(dir.resolve("tmp"))) {
            assertEquals(0, tmp.count(), "temp files are removed on open");
        }
    }

    @Test
    void etagsAreContentDerivedLikeS3() throws Exception {
        LocalDirectoryStore s = LocalDirectoryStore.create(dir);
        assertEquals("5d41402abc4b2a76b9719d911017c592", s.put("k", Payload.ofBytes("hello".getBytes(UTF_8)),
                PutOptions.NONE).etag(), "MD5 of the bytes");
        assertEquals("d41d8cd98f00b204e9800998ecf8427e", s.put("e", Payload.empty(), PutOptions.NONE).etag());
        MultipartUpload up = s.createMultipart("mp", PutOptions.NONE);
        CompletedPart p = s.uploadPart(up, 1, Payload.ofBytes("hello".getBytes(UTF_8)));
        assertEquals("5d41402abc4b2a76b9719d911017c592", p.etag());
        // MD5 of the binary part MD5, then "-1"
        byte[] partMd5 = java.util.HexFormat.of().parseHex(p.etag());
        String expected = java.util.HexFormat.of().formatHex(java.security.MessageDigest.getInstance("MD5")
                .digest(partMd5)) + "-1";
        assertEquals(expected, s.completeMultipart(up, List.of(p)).etag());
        assertEquals(expected, s.head("mp").etag());
    }

    @Test
    void aPayloadShorterOrLongerThanDeclaredIsRefusedAndLeavesNothing() throws Exception {
        LocalDirectoryStore s = LocalDirectoryStore.create(dir);
        ObjectStoreException shortBody = assertThrows(ObjectStoreException.class, () -> s.put("k",
                Payload.ofStream(new ByteArrayInputStream(new byte[3]), 10), PutOptions.NONE));
        assertEquals(Kind.PERMANENT, shortBody.kind());
        Payload lying = new Payload() {
            @Override
            public long length() {
                return 2;
            }

            @Override
            public InputStream open() {
                return new ByteArrayInputStream(new byte[5]);
            }
        };
        assertEquals(Kind.PERMANENT, assertThrows(ObjectStoreException.class,
                () -> s.put("k", lying, PutOptions.NONE)).kind());
        assertEquals(Kind.NOT_FOUND, assertThrows(ObjectStoreException.class, () -> s.head("k")).kind());
        try (Stream<Path> tmp = Files.list(dir.resolve("tmp"))) {
            assertEquals(0, tmp.count(), "no temp file left behind");
        }
    }

    @Test
    void aDirectoryWithoutItsMarkerIsUnavailableAndNeverWrittenTo() throws Exception {
        Path unmounted = dir.resolve("mnt");
        Files.createDirectories(unmounted);
        LocalDirectoryStore s = new LocalDirectoryStore(unmounted);
        ObjectStoreException e = assertThrows(ObjectStoreException.class,
                () -> s.put("k", Payload.ofBytes(new byte[1]), PutOptions.NONE));
        assertEquals(Kind.TRANSIENT, e.kind());
        assertTrue(e.getMessage().contains(unmounted.toString()), e.getMessage());
        try (Stream<Path> files = Files.list(unmounted)) {
            assertEquals(0, files.count());
        }
    }

    @Test
    void aDamagedObjectFileIsAPermanentError() throws Exception {
        LocalDirectoryStore s = LocalDirectoryStore.create(dir);
        s.put("k", Payload.ofBytes("data".getBytes(UTF_8)), PutOptions.NONE);
        Path file = KeyPaths.objectPath(dir.resolve("objects"), "k");
        Files.write(file, "garbage".getBytes(UTF_8));
        assertEquals(Kind.PERMANENT, assertThrows(ObjectStoreException.class, () -> s.head("k")).kind());
        assertEquals(Kind.PERMANENT, assertThrows(ObjectStoreException.class,
                () -> s.get("k", GetOptions.NONE).close()).kind());
    }

    @Test
    void smallPartsButTheLastAreRefusedAtCompletion() throws Exception {
        LocalDirectoryStore s = LocalDirectoryStore.create(dir);
        MultipartUpload up = s.createMultipart("k", PutOptions.NONE);
        CompletedPart a = s.uploadPart(up, 1, Payload.ofBytes(new byte[10]));
        CompletedPart b = s.uploadPart(up, 2, Payload.ofBytes(new byte[10]));
        ObjectStoreException e = assertThrows(ObjectStoreException.class, () -> s.completeMultipart(up, List.of(a, b)));
        assertEquals(Kind.PERMANENT, e.kind());
        assertTrue(e.getMessage().contains("EntityTooSmall"), e.getMessage());
        assertEquals(Kind.PERMANENT, assertThrows(ObjectStoreException.class,
                () -> s.completeMultipart(up, List.of(b, a))).kind(), "out of order");
        assertEquals(Kind.NOT_FOUND, assertThrows(ObjectStoreException.class, () -> s.uploadPart(
                new MultipartUpload("k", "../../etc"), 1, Payload.empty())).kind(), "ids are not paths");
        assertEquals(Kind.NOT_FOUND, assertThrows(ObjectStoreException.class, () -> s.uploadPart(
                new MultipartUpload("other", up.uploadId()), 1, Payload.empty())).kind(), "ids belong to a key");
    }

    @Test
    void listingRollsUpAtAnyDelimiter() throws Exception {
        LocalDirectoryStore s = LocalDirectoryStore.create(dir);
        for (String k : List.of("log-2024-01", "log-2024-02", "log-2025-01", "logo", "x/y")) {
            s.put(k, Payload.empty(), PutOptions.NONE);
        }
        ListPage p = s.list(ListRequest.delimited("log-", "-"));
        assertEquals(List.of("log-2024-", "log-2025-"), p.commonPrefixes());
        assertEquals(List.of(), keys(p));
        ListPage q = s.list(ListRequest.delimited("lo", "-"));
        assertEquals(List.of("log-"), q.commonPrefixes());
        assertEquals(List.of("logo"), keys(q));
        ListPage paged = s.list(ListRequest.delimited("log-", "-").withMaxKeys(1));
        assertEquals(List.of("log-2024-"), paged.commonPrefixes());
        ListPage next = s.list(ListRequest.delimited("log-", "-").withMaxKeys(1)
                .withContinuationToken(paged.nextContinuationToken()));
        assertEquals(List.of("log-2025-"), next.commonPrefixes());
        assertTrue(next.isLast() || s.list(ListRequest.delimited("log-", "-")
                .withContinuationToken(next.nextContinuationToken())).commonPrefixes().isEmpty());
        assertThrows(IllegalArgumentException.class,
                () -> s.list(ListRequest.flat("").withContinuationToken("not-a-token!")));
    }

    @Test
    void concurrentDeletesInOneDirectoryAllSucceed() throws Exception {
        LocalDirectoryStore s = LocalDirectoryStore.create(dir);
        for (int round = 0; round < 20; round++) {
            List<String> keys = new java.util.ArrayList<>();
            for (int i = 0; i < 8; i++) {
                keys.add("deep/dir/k" + i);
                s.put("deep/dir/k" + i, Payload.empty(), PutOptions.NONE);
            }
            java.util.concurrent.ExecutorService pool = java.util.concurrent.Executors.newFixedThreadPool(8);
            try {
                List<java.util.concurrent.Future<?>> fs = new java.util.ArrayList<>();
                for (String k : keys) {
                    fs.add(pool.submit(() -> {
                        s.delete(k); // the last ones race the pruning of deep/dir and deep
                        return null;
                    }));
                }
                for (var f : fs) {
                    f.get(10, TimeUnit.SECONDS);
                }
            } finally {
                pool.shutdownNow();
            }
            assertEquals(List.of(), s.list(ListRequest.flat("")).objects());
        }
    }

    @Test
    void emptyDirectoriesArePrunedAndNeverListed() throws Exception {
        LocalDirectoryStore s = LocalDirectoryStore.create(dir);
        s.put("deep/er/still/k", Payload.empty(), PutOptions.NONE);
        s.delete("deep/er/still/k");
        try (Stream<Path> files = Files.list(dir.resolve("objects"))) {
            assertEquals(0, files.count(), "parents removed with the last object");
        }
        Files.createDirectories(dir.resolve("objects").resolve("dstale").resolve("dempty"));
        ListPage p = s.list(ListRequest.delimited("", "/"));
        assertEquals(List.of(), p.commonPrefixes(), "an empty directory is no common prefix");
    }

    @Test
    void keyPathsAreInjectiveAndNeverDotNames() {
        List<String> keys = List.of("a", "a/", "a//", "a/b", "./a", "../a", "..", ".", "%41", "A", "a b", "\u00e9");
        java.util.Set<Path> seen = new java.util.HashSet<>();
        Path root = Path.of("/r");
        for (String k : keys) {
            Path p = KeyPaths.objectPath(root, k);
            assertTrue(seen.add(p), "collision for " + k);
            for (Path part : root.relativize(p)) {
                String n = part.toString();
                assertFalse(n.equals(".") || n.equals(".."), k);
                assertTrue(n.chars().allMatch(c -> c >= 0x21 && c < 0x7f), "ASCII names: " + n);
                assertEquals(n.substring(1).isEmpty() ? "" : n.substring(1),
                        KeyPaths.encode(KeyPaths.decode(n.substring(1))));
            }
        }
        assertThrows(IllegalArgumentException.class, () -> KeyPaths.objectPath(root, "\u65e5".repeat(100)));
    }

    @Test
    void readersKeepTheVersionTheyOpened() throws Exception {
        LocalDirectoryStore s = LocalDirectoryStore.create(dir);
        s.put("k", Payload.ofBytes("old-version".getBytes(UTF_8)), PutOptions.NONE);
        try (ObjectContent c = s.get("k", GetOptions.NONE)) {
            s.put("k", Payload.ofBytes("NEW".getBytes(UTF_8)), PutOptions.NONE);
            s.delete("k");
            assertEquals("old-version", new String(c.readAllBytes(), UTF_8));
        }
    }

    private static List<String> keys(ListPage p) {
        return p.objects().stream().map(ObjectSummary::key).toList();
    }
}
