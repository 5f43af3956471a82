package io.bucketfs.cache.write;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.bucketfs.backends.GetOptions;
import io.bucketfs.backends.ObjectContent;
import io.bucketfs.backends.ObjectInfo;
import io.bucketfs.backends.ObjectStore;
import io.bucketfs.backends.ObjectStoreException;
import io.bucketfs.backends.Payload;
import io.bucketfs.backends.PutOptions;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.time.Duration;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;
import java.util.function.BooleanSupplier;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/**
 * Behaviour of {@link WriteBack}, run once per store implementation (a subclass each). The store is real; a
 * {@link FaultyStore} decorator counts calls, holds uploads at a gate and injects failures.
 */
abstract class WriteBackContractTest {

    static final String STORE = "s1";
    static final int MIB = 1 << 20;

    @TempDir
    Path staging;

    FaultyStore store;
    WriteBack wb;
    final List<String> events = new CopyOnWriteArrayList<>();

    /** A fresh, empty bucket for one test. */
    abstract ObjectStore newStore() throws Exception;

    WriteBackSettings settings() {
        return WriteBackSettings.DEFAULT.withPartSize(5 * MIB)
                .withRetryBackoff(Duration.ofMillis(50), Duration.ofMillis(200))
                .withMaxStagingBytes(1L << 30, Duration.ofSeconds(5));
    }

    @BeforeEach
    void openWriteBack() throws Exception {
        store = new FaultyStore(newStore());
        wb = open(settings());
    }

    WriteBack open(WriteBackSettings s) throws IOException {
        return WriteBack.open(staging, s, id -> store, new StoreBaseSource(store), new UploadListener() {
            @Override
            public void onUploaded(String storeId, String key, ObjectInfo info) {
                events.add("uploaded " + key);
            }

            @Override
            public void onConflict(String storeId, String key, String conflictKey) {
                events.add("conflict " + key + " " + conflictKey);
            }

            @Override
            public void onFailed(String storeId, String key, ObjectStoreException failure) {
                events.add("failed " + key + " " + failure.kind());
            }
        });
    }

    @AfterEach
    void closeWriteBack() {
        store.open();
        if (wb != null) {
            wb.close();
        }
        store.close();
    }

    @Test
    @Timeout(60)
    void objectStoreCommitPutsTheObjectWithMetadata() throws Exception {
        byte[] data = random(1, 300_000);
        try (StagedFile f = wb.stage(STORE, "dir/a b+c.txt", Base.NONE, WriteCondition.CREATE_ONLY)) {
            f.setMetadata(Map.of("mode", "100644", "mtime", "1700000000"), "text/plain");
            f.write(0, ByteBuffer.wrap(data));
            f.commit(Durability.OBJECT_STORE).get(30, TimeUnit.SECONDS);
        }
        ObjectInfo info = store.head("dir/a b+c.txt");
        assertEquals("100644", info.userMetadata().get("mode"));
        assertEquals("1700000000", info.userMetadata().get("mtime"));
        assertEquals("text/plain", info.contentType());
        assertArrayEquals(data, content("dir/a b+c.txt"));
        assertTrue(events.contains("uploaded dir/a b+c.txt"), events::toString);
        waitFor(() -> wb.stats().stagedFiles() == 0 && wb.stats().stagingBytes() == 0);
    }

    @Test
    @Timeout(60)
    void emptyNewFileBecomesAnEmptyObject() throws Exception {
        try (StagedFile f = wb.stage(STORE, "empty", Base.NONE, WriteCondition.CREATE_ONLY)) {
            f.commit(Durability.OBJECT_STORE).get(30, TimeUnit.SECONDS);
        }
        assertEquals(0, store.head("empty").size());
    }

    @Test
    @Timeout(60)
    void localCommitReturnsBeforeTheUploadAndBarrierWaitsForIt() throws Exception {
        store.close(true);
        byte[] data = random(2, 10_000);
        try (StagedFile f = wb.stage(STORE, "local", Base.NONE, WriteCondition.NONE)) {
            f.write(0, ByteBuffer.wrap(data));
            assertTrue(f.commit(Durability.LOCAL).isDone());
        }
        CompletableFuture<Void> barrier = wb.barrier();
        waitFor(() -> store.waitingAtGate.get() > 0);
        assertThrows(ObjectStoreException.class, () -> store.head("local"));
        assertFalse(barrier.isDone());
        assertEquals(1, wb.stats().uploadQueue());
        store.open();
        barrier.get(30, TimeUnit.SECONDS);
        assertArrayEquals(data, content("local"));
    }

    /**
     * Characterizes what the VFS crash test's kill 1 showed: an upload freezes the staged file as it is when the
     * upload begins, so an append written after the last commit (not committed itself) goes with the upload of the
     * committed generation, and the bucket (and, through the upload report, the journal) then has it. Legitimate for
     * NFS UNSTABLE writes; overwrites of committed bytes are held back by the VFS (FileData.protectCommitted) instead.
     */
    @Test
    @Timeout(60)
    void anUploadBeginningAfterAnUncommittedAppendCarriesIt() throws Exception {
        store.close(true);
        byte[] a = random(11, 10_000);
        byte[] c = random(12, 10_000);
        byte[] b = random(13, 1_000);
        try (StagedFile f = wb.stage(STORE, "app", Base.NONE, WriteCondition.NONE)) {
            f.write(0, ByteBuffer.wrap(a));
            f.commit(Durability.LOCAL).get(); // generation 1; its upload waits at the gate
            waitFor(() -> store.waitingAtGate.get() > 0);
            f.write(10_000, ByteBuffer.wrap(c));
            f.commit(Durability.LOCAL).get(); // generation 2: 20000 bytes, uploaded after generation 1
            f.write(30_000, ByteBuffer.wrap(b)); // not committed
            CompletableFuture<Void> barrier = wb.barrier();
            store.open();
            barrier.get(30, TimeUnit.SECONDS);
        }
        byte[] want = new byte[31_000];
        System.arraycopy(a, 0, want, 0, a.length);
        System.arraycopy(c, 0, want, 10_000, c.length);
        System.arraycopy(b, 0, want, 30_000, b.length);
        assertArrayEquals(want, content("app"));
    }

    @Test
    @Timeout(60)
    void readsSeeWritesOverTheBaseAndUploadKeepsUntouchedBaseBytes() throws Exception {
        byte[] base = random(3, 200_000);
        ObjectInfo v1 = store.put("base", Payload.ofBytes(base), PutOptions.NONE);
        byte[] patch = "PATCHED".getBytes();
        byte[] expected = base.clone();
        System.arraycopy(patch, 0, expected, 150_000, patch.length);
        try (StagedFile f = wb.stage(STORE, "base", Base.of(v1.etag(), v1.size()), WriteCondition.ifMatch(v1.etag()))) {
            f.write(150_000, ByteBuffer.wrap(patch));
            assertEquals(base.length, f.size());
            assertArrayEquals(expected, readAll(f));
            ByteBuffer mid = ByteBuffer.allocate(20);
            assertEquals(20, f.read(149_990, mid));
            assertArrayEquals(Arrays.copyOfRange(expected, 149_990, 150_010), mid.array());
            assertEquals(-1, f.read(base.length, ByteBuffer.allocate(1)));
            f.commit(Durability.OBJECT_STORE).get(30, TimeUnit.SECONDS);
        }
        assertArrayEquals(expected, content("base"));
    }

    @Test
    @Timeout(60)
    void truncateAndExtendLeaveZeroHoles() throws Exception {
        byte[] base = random(4, 50_000);
        ObjectInfo v1 = store.put("holes", Payload.ofBytes(base), PutOptions.NONE);
        byte[] expected = new byte[9_001];
        System.arraycopy(base, 0, expected, 0, 1000);
        expected[9_000] = 'x';
        try (StagedFile f = wb.stage(STORE, "holes", Base.of(v1.etag(), v1.size()), WriteCondition.ifMatch(v1.etag()))) {
            f.truncate(1000);
            f.truncate(3000);
            f.write(9_000, ByteBuffer.wrap(new byte[] {'x'}));
            assertEquals(9_001, f.size());
            assertArrayEquals(expected, readAll(f));
            f.commit(Durability.OBJECT_STORE).get(30, TimeUnit.SECONDS);
            f.truncate(0);
            assertEquals(-1, f.read(0, ByteBuffer.allocate(10)));
        }
        wb.barrier().get(30, TimeUnit.SECONDS);
        assertEquals(0, store.head("holes").size());
    }

    @Test
    @Timeout(120)
    void largeSequentialWriteUploadsPartsBeforeCommit() throws Exception {
        byte[] data = random(5, 40 * MIB);
        try (StagedFile f = wb.stage(STORE, "big", Base.NONE, WriteCondition.CREATE_ONLY)) {
            f.setMetadata(Map.of("mode", "100600"), null);
            for (int off = 0; off < data.length; off += MIB) {
                f.write(off, ByteBuffer.wrap(data, off, MIB));
            }
            waitFor(() -> store.parts.get() >= 7);
            int beforeCommit = store.parts.get();
            f.commit(Durability.OBJECT_STORE).get(60, TimeUnit.SECONDS);
            assertTrue(beforeCommit >= 7, "parts before commit: " + beforeCommit);
        }
        assertEquals(8, store.parts.get(), "every part uploaded once");
        assertEquals(0, store.puts.get());
        assertEquals(0, store.aborts.get());
        assertEquals(sha256(data), sha256(content("big")));
        assertEquals("100600", store.head("big").userMetadata().get("mode"));
    }

    @Test
    @Timeout(120)
    void writeIntoAnUploadedPartFallsBackToAWholeUpload() throws Exception {
        byte[] data = random(6, 12 * MIB);
        try (StagedFile f = wb.stage(STORE, "rewrite", Base.NONE, WriteCondition.CREATE_ONLY)) {
            for (int off = 0; off < data.length; off += MIB) {
                f.write(off, ByteBuffer.wrap(data, off, MIB));
            }
            waitFor(() -> store.parts.get() >= 1);
            byte[] patch = random(7, 1000);
            f.write(100, ByteBuffer.wrap(patch));
            System.arraycopy(patch, 0, data, 100, patch.length);
            f.commit(Durability.OBJECT_STORE).get(60, TimeUnit.SECONDS);
        }
        waitFor(() -> store.aborts.get() >= 1);
        assertEquals(sha256(data), sha256(content("rewrite")));
    }

    @Test
    @Timeout(60)
    void outOfBandChangeBecomesAConflictCopy() throws Exception {
        ObjectInfo v1 = store.put("doc", Payload.ofBytes(random(8, 1000)), PutOptions.NONE);
        byte[] theirs = random(9, 500);
        byte[] ours = random(10, 2000);
        try (StagedFile f = wb.stage(STORE, "doc", Base.of(v1.etag(), v1.size()), WriteCondition.ifMatch(v1.etag()))) {
            f.truncate(0);
            f.write(0, ByteBuffer.wrap(ours));
            store.put("doc", Payload.ofBytes(theirs), PutOptions.NONE);
            f.commit(Durability.OBJECT_STORE).get(30, TimeUnit.SECONDS);
            assertTrue(f.key().startsWith("doc.bucketfs-conflict-"), f.key());
        }
        assertArrayEquals(theirs, content("doc"), "the out-of-band version is never overwritten");
        String conflict = events.stream().filter(e -> e.startsWith("conflict doc ")).findFirst().orElseThrow()
                .substring("conflict doc ".length());
        assertTrue(conflict.matches("doc\\.bucketfs-conflict-\\d{8}T\\d{9}Z"), conflict);
        assertArrayEquals(ours, content(conflict));
        assertEquals(1, wb.stats().conflicts());
    }

    /**
     * The object a write started from was deleted in the bucket meanwhile (by another tool, or by a retried DELETE
     * of an earlier file of the name that landed late): the write takes its key back; there is no conflict copy.
     */
    @Test
    @Timeout(60)
    void aBaseDeletedOutOfBandIsWrittenAnewNotAConflict() throws Exception {
        ObjectInfo v1 = store.put("gone", Payload.ofBytes(new byte[0]), PutOptions.NONE);
        byte[] ours = random(13, 3000);
        try (StagedFile f = wb.stage(STORE, "gone", Base.of(v1.etag(), v1.size()), WriteCondition.ifMatch(v1.etag()))) {
            f.write(0, ByteBuffer.wrap(ours));
            store.delete("gone");
            f.commit(Durability.OBJECT_STORE).get(30, TimeUnit.SECONDS);
            assertEquals("gone", f.key());
        }
        assertArrayEquals(ours, content("gone"));
        assertEquals(0, wb.stats().conflicts(), events::toString);
        assertTrue(events.stream().noneMatch(e -> e.startsWith("conflict ")), events::toString);
    }

    @Test
    @Timeout(60)
    void createOnlyOnAKeyThatAppearedIsAConflict() throws Exception {
        byte[] ours = random(11, 100);
        try (StagedFile f = wb.stage(STORE, "new", Base.NONE, WriteCondition.CREATE_ONLY)) {
            f.write(0, ByteBuffer.wrap(ours));
            store.put("new", Payload.ofBytes(new byte[] {1}), PutOptions.NONE);
            f.commit(Durability.OBJECT_STORE).get(30, TimeUnit.SECONDS);
        }
        assertEquals(1, store.head("new").size());
        assertTrue(events.stream().anyMatch(e -> e.startsWith("conflict new new.bucketfs-conflict-")), events::toString);
    }

    @Test
    @Timeout(60)
    void failedUploadsAreRetriedAndNeverLost() throws Exception {
        store.failNext.set(3);
        byte[] data = random(12, 70_000);
        try (StagedFile f = wb.stage(STORE, "flaky", Base.NONE, WriteCondition.CREATE_ONLY)) {
            f.write(0, ByteBuffer.wrap(data));
            f.commit(Durability.OBJECT_STORE).get(30, TimeUnit.SECONDS);
        }
        assertEquals(3, events.stream().filter(e -> e.equals("failed flaky TRANSIENT")).count(), events::toString);
        assertArrayEquals(data, content("flaky"));
    }

    @Test
    @Timeout(60)
    void uploadSendsTheSnapshotNotLaterWrites() throws Exception {
        store.close(true);
        byte[] a = new byte[MIB];
        byte[] b = new byte[MIB];
        Arrays.fill(a, (byte) 'a');
        Arrays.fill(b, (byte) 'b');
        try (StagedFile f = wb.stage(STORE, "gen", Base.NONE, WriteCondition.NONE)) {
            f.write(0, ByteBuffer.wrap(a));
            f.commit(Durability.LOCAL);
            waitFor(() -> store.waitingAtGate.get() > 0);
            f.write(0, ByteBuffer.wrap(b, 0, MIB / 2)); // overwrites half of what is being uploaded
            CompletableFuture<Void> second = f.commit(Durability.OBJECT_STORE);
            f.write(MIB / 2, ByteBuffer.wrap(b, 0, MIB / 2));
            store.open();
            second.get(30, TimeUnit.SECONDS);
            f.commit(Durability.OBJECT_STORE).get(30, TimeUnit.SECONDS);
        }
        assertEquals(sha256(a), store.putDigests.get(0), "first upload is all of generation 1");
        assertEquals(sha256(b), sha256(content("gen")));
    }

    @Test
    @Timeout(60)
    void fullStagingWaitsThenFailsWithStagingFull() throws Exception {
        wb.close();
        wb = open(settings().withMaxStagingBytes(MIB, Duration.ofMillis(300)));
        try (StagedFile f = wb.stage(STORE, "hog", Base.NONE, WriteCondition.NONE);
             StagedFile g = wb.stage(STORE, "starved", Base.NONE, WriteCondition.NONE)) {
            f.write(0, ByteBuffer.wrap(new byte[MIB]));
            long t0 = System.nanoTime();
            assertThrows(StagingFullException.class, () -> g.write(0, ByteBuffer.wrap(new byte[10])));
            assertTrue(System.nanoTime() - t0 >= 250_000_000L, "waited before failing");
        }
    }

    @Test
    @Timeout(60)
    void fullStagingWaitsForUploadsToDrain() throws Exception {
        wb.close();
        wb = open(settings().withMaxStagingBytes(MIB, Duration.ofSeconds(20)));
        store.close(true);
        try (StagedFile f = wb.stage(STORE, "first", Base.NONE, WriteCondition.NONE)) {
            f.write(0, ByteBuffer.wrap(new byte[MIB]));
        }
        waitFor(() -> store.waitingAtGate.get() > 0);
        CompletableFuture<Void> opener = CompletableFuture.runAsync(() -> {
            sleep(300);
            store.open();
        });
        try (StagedFile g = wb.stage(STORE, "second", Base.NONE, WriteCondition.NONE)) {
            g.write(0, ByteBuffer.wrap(new byte[1000]));
            assertTrue(opener.isDone(), "the write waited for the first upload");
        }
        wb.barrier().get(30, TimeUnit.SECONDS);
        assertEquals(1000, store.head("second").size());
    }

    @Test
    @Timeout(60)
    void retargetBeforeUploadGoesToTheNewKeyOnly() throws Exception {
        byte[] data = random(13, 5000);
        try (StagedFile f = wb.stage(STORE, "old", Base.NONE, WriteCondition.CREATE_ONLY)) {
            f.write(0, ByteBuffer.wrap(data));
            assertFalse(f.retarget("new", WriteCondition.CREATE_ONLY).get(30, TimeUnit.SECONDS));
            f.commit(Durability.OBJECT_STORE).get(30, TimeUnit.SECONDS);
        }
        assertArrayEquals(data, content("new"));
        assertThrows(ObjectStoreException.class, () -> store.head("old"));
    }

    @Test
    @Timeout(60)
    void retargetAfterUploadReportsTheOldKeyAndKeepsBaseBytes() throws Exception {
        byte[] base = random(14, 100_000);
        ObjectInfo v1 = store.put("from", Payload.ofBytes(base), PutOptions.NONE);
        byte[] expected = base.clone();
        expected[10] = 42;
        try (StagedFile f = wb.stage(STORE, "from", Base.of(v1.etag(), v1.size()), WriteCondition.ifMatch(v1.etag()))) {
            f.write(10, ByteBuffer.wrap(new byte[] {42}));
            f.commit(Durability.OBJECT_STORE).get(30, TimeUnit.SECONDS);
            assertTrue(f.retarget("to", WriteCondition.NONE).get(30, TimeUnit.SECONDS));
            store.delete("from"); // what the VFS does once the future said so
            assertArrayEquals(expected, readAll(f));
            f.commit(Durability.OBJECT_STORE).get(30, TimeUnit.SECONDS);
        }
        wb.barrier().get(30, TimeUnit.SECONDS);
        assertArrayEquals(expected, content("to"));
    }

    @Test
    @Timeout(60)
    void reopenAfterCloseUploadsWhatWasStaged() throws Exception {
        store.close(true);
        byte[] data = random(15, 3000);
        try (StagedFile f = wb.stage(STORE, "restart", Base.NONE, WriteCondition.CREATE_ONLY)) {
            f.write(0, ByteBuffer.wrap(data));
            f.commit(Durability.LOCAL);
        }
        waitFor(() -> store.waitingAtGate.get() > 0);
        wb.close();
        store.open();
        wb = open(settings());
        wb.barrier().get(30, TimeUnit.SECONDS);
        assertArrayEquals(data, content("restart"));
        assertTrue(events.contains("uploaded restart"), events::toString);
    }

    @Test
    @Timeout(60)
    void secondHandleSharesTheStagedFile() throws Exception {
        store.close(true);
        try (StagedFile f = wb.stage(STORE, "shared", Base.NONE, WriteCondition.NONE)) {
            f.write(0, ByteBuffer.wrap("one".getBytes()));
            f.commit(Durability.LOCAL);
        }
        try (StagedFile g = wb.stage(STORE, "shared", Base.of("stale", 99), WriteCondition.NONE)) {
            assertArrayEquals("one".getBytes(), readAll(g));
            g.write(3, ByteBuffer.wrap("two".getBytes()));
            store.open();
            g.commit(Durability.OBJECT_STORE).get(30, TimeUnit.SECONDS);
        }
        assertArrayEquals("onetwo".getBytes(), content("shared"));
    }

    @Test
    @Timeout(60)
    void anInterruptedWriterDoesNotBreakTheStagedFile() throws Exception {
        byte[] data = random(16, 10_000);
        try (StagedFile f = wb.stage(STORE, "interrupted", Base.NONE, WriteCondition.NONE)) {
            Thread.currentThread().interrupt();
            assertThrows(IOException.class, () -> f.write(0, ByteBuffer.wrap(new byte[100])));
            assertTrue(Thread.interrupted());
            f.write(0, ByteBuffer.wrap(data));
            f.commit(Durability.OBJECT_STORE).get(30, TimeUnit.SECONDS);
        }
        assertArrayEquals(data, content("interrupted"));
    }

    // ------------------------------------------------------------------ helpers

    byte[] content(String key) throws IOException {
        try (ObjectContent c = store.get(key, GetOptions.NONE)) {
            return c.readAllBytes();
        }
    }

    static byte[] readAll(StagedFile f) throws IOException {
        ByteBuffer all = ByteBuffer.allocate((int) f.size());
        while (all.hasRemaining()) {
            if (f.read(all.position(), all) < 0) {
                break;
            }
        }
        return all.array();
    }

    static byte[] random(long seed, int n) {
        byte[] b = new byte[n];
        new Random(seed).nextBytes(b);
        return b;
    }

    static String sha256(byte[] b) throws Exception {
        return java.util.HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256").digest(b));
    }

    static void waitFor(BooleanSupplier condition) throws InterruptedException {
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(30);
        while (!condition.getAsBoolean()) {
            if (System.nanoTime() > deadline) {
                throw new AssertionError("condition not reached in time");
            }
            Thread.sleep(10);
        }
    }

    static void sleep(long millis) {
        try {
            Thread.sleep(millis);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }
}
