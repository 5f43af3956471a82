package io.bucketfs.vfs.core;

import static java.nio.charset.StandardCharsets.UTF_8;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.bucketfs.backends.GetOptions;
import io.bucketfs.backends.ListRequest;
import io.bucketfs.backends.ObjectContent;
import io.bucketfs.backends.ObjectStore;
import io.bucketfs.backends.ObjectStoreException;
import io.bucketfs.backends.ObjectSummary;
import io.bucketfs.backends.Payload;
import io.bucketfs.backends.PutOptions;
import io.bucketfs.cache.CacheSettings;
import io.bucketfs.cache.write.WriteBackSettings;
import io.bucketfs.vfs.Attr;
import io.bucketfs.vfs.Caller;
import io.bucketfs.vfs.CreateMode;
import io.bucketfs.vfs.DirEntry;
import io.bucketfs.vfs.DirPage;
import io.bucketfs.vfs.DosAttributes;
import io.bucketfs.vfs.Entry;
import io.bucketfs.vfs.FileHandle;
import io.bucketfs.vfs.FileType;
import io.bucketfs.vfs.MountSettings;
import io.bucketfs.vfs.ReadResult;
import io.bucketfs.vfs.SetAttr;
import io.bucketfs.vfs.FsStat;
import io.bucketfs.vfs.Stability;
import io.bucketfs.vfs.Vfs;
import io.bucketfs.vfs.VfsException;
import io.bucketfs.vfs.VfsStatus;
import io.bucketfs.vfs.journal.JournalSettings;
import java.nio.ByteBuffer;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.Set;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.function.Executable;
import org.junit.jupiter.api.io.TempDir;

/**
 * The {@link Vfs} contract, written once and run over every backend (a subclass per store, on a real server):
 * what clients see through the VFS, and what lands in the bucket as native objects.
 */
@Timeout(value = 120, unit = TimeUnit.SECONDS)
public abstract class VfsContractTest {

    static final Caller ROOT = Caller.ROOT;
    static final Caller ALICE = new Caller(1000, 1000, new int[] {1000});

    /** Entries of the big-directory listing case: {@code -Dbucketfs.test.dirEntries=100000} for the long mode. */
    static final int DIR_ENTRIES = Integer.getInteger("bucketfs.test.dirEntries", 2500);

    /** A store over a new, empty bucket. */
    protected abstract ObjectStore openStore() throws Exception;

    @TempDir
    Path tmp;

    protected ObjectStore store;
    /** {@link #store} as the VFS sees it: the same store with a hook after each copy. */
    protected CopyHookStore hooked;
    protected VfsRuntime runtime;
    protected Vfs vfs;
    protected MountSettings settings;

    @BeforeEach
    void setUp() throws Exception {
        store = openStore();
        hooked = new CopyHookStore(store);
        settings = MountSettings.defaults("m1").withTtls(Duration.ZERO, Duration.ZERO);
        start();
    }

    @AfterEach
    void tearDown() {
        if (runtime != null) {
            runtime.close();
        }
        if (store != null) {
            store.close();
        }
    }

    protected void start() throws Exception {
        runtime = VfsRuntime.open(tmp.resolve("state"), tmp.resolve("cache"),
                CacheSettings.DEFAULT.withChunkSize(1 << 20).withCapacityBytes(256L << 20),
                WriteBackSettings.DEFAULT.withPartSize(5L << 20), JournalSettings.defaults(),
                List.of(new VfsRuntime.MountSpec(settings, hooked)));
        vfs = runtime.mount("m1");
    }

    protected void restart() throws Exception {
        runtime.close();
        runtime = null;
        start();
    }

    protected void sync() throws Exception {
        runtime.sync(60, TimeUnit.SECONDS);
    }

    // ------------------------------------------------------------------ files

    @Test
    void createWriteReadAndTheObjectLandsWithAttributes() throws Exception {
        Entry f = vfs.create(ROOT, vfs.root(), "hello.txt", CreateMode.GUARDED, SetAttr.mode(0640), 0);
        assertEquals(FileType.REGULAR, f.attr().type());
        assertEquals(0640, f.attr().mode());
        vfs.write(ROOT, f.handle(), 0, buf("hello, world"), Stability.UNSTABLE);
        assertEquals("hello, world", readAll(f.handle()));
        vfs.commit(ROOT, f.handle());
        assertEquals(12, vfs.getattr(ROOT, f.handle()).size());
        sync();
        assertEquals("hello, world", object("hello.txt"));
        Map<String, String> meta = store.head("hello.txt").userMetadata();
        assertEquals(Integer.toString(0100640), meta.get("mode"));
        assertEquals("0", meta.get("uid"));
        assertTrue(meta.containsKey("mtime"), meta.toString());
    }

    @Test
    void writesAtOffsetsExtendWithZerosAndTruncate() throws Exception {
        FileHandle h = newFile("sparse", "");
        vfs.write(ROOT, h, 5, buf("xyz"), Stability.FILE_SYNC);
        assertEquals("\0\0\0\0\0xyz", readAll(h));
        vfs.setattr(ROOT, h, SetAttr.NONE.withSize(6L), null);
        assertEquals("\0\0\0\0\0x", readAll(h));
        vfs.setattr(ROOT, h, SetAttr.NONE.withSize(8L), null);
        assertEquals("\0\0\0\0\0x\0\0", readAll(h));
        ByteBuffer past = ByteBuffer.allocate(10);
        ReadResult r = vfs.read(ROOT, h, 100, past);
        assertEquals(0, r.count());
        assertTrue(r.eof());
        vfs.commit(ROOT, h);
        sync();
        assertEquals("\0\0\0\0\0x\0\0", object("sparse"));
    }

    @Test
    void dosAttributesKeepTheSparseFlagAndDropUnknownBits() throws Exception {
        FileHandle h = newFile("flags", "x");
        int sparse = io.bucketfs.vfs.DosAttributes.SPARSE_FILE;
        int hidden = io.bucketfs.vfs.DosAttributes.HIDDEN;
        vfs.setattr(ROOT, h, SetAttr.NONE.withDosAttributes(sparse | hidden | 0x4000), null);
        assertEquals(sparse | hidden, vfs.getattr(ROOT, h).dosAttributes());
        vfs.commit(ROOT, h);
        sync();
        restart();
        FileHandle again = vfs.lookup(ROOT, vfs.root(), "flags").handle();
        assertEquals(sparse | hidden, vfs.getattr(ROOT, again).dosAttributes());
        vfs.setattr(ROOT, again, SetAttr.NONE.withDosAttributes(hidden), null);
        assertEquals(hidden, vfs.getattr(ROOT, again).dosAttributes());
    }

    @Test
    void aLargeSequentialWriteRoundTrips() throws Exception {
        FileHandle h = newFile("big.bin", "");
        byte[] chunk = new byte[1 << 20];
        MessageDigest want = MessageDigest.getInstance("SHA-256");
        Random rnd = new Random(5);
        for (int k = 0; k < 20; k++) {
            rnd.nextBytes(chunk);
            want.update(chunk);
            vfs.write(ROOT, h, (long) k << 20, ByteBuffer.wrap(chunk), Stability.UNSTABLE);
        }
        vfs.commit(ROOT, h);
        sync();
        MessageDigest got = MessageDigest.getInstance("SHA-256");
        try (ObjectContent c = store.get("big.bin", GetOptions.NONE)) {
            got.update(c.readAllBytes());
        }
        assertArrayEquals(want.digest(), got.digest());
        assertEquals(20L << 20, vfs.getattr(ROOT, h).size());
    }

    @Test
    void foreignObjectsAppearWithDefaultsAndTheirOwnMetadata() throws Exception {
        store.put("ext/plain.txt", Payload.ofBytes(bytes("from another tool")), PutOptions.NONE);
        store.put("ext/s3fs.sh", Payload.ofBytes(bytes("#!/bin/sh")),
                PutOptions.metadata(Map.of("mode", Integer.toString(0100755), "uid", "1000", "gid", "100",
                        "mtime", "1700000000.5")));
        Entry ext = vfs.lookup(ROOT, vfs.root(), "ext");
        assertEquals(FileType.DIRECTORY, ext.attr().type());
        Entry plain = vfs.lookup(ROOT, ext.handle(), "plain.txt");
        assertEquals(0644, plain.attr().mode());
        assertEquals(0, plain.attr().uid());
        assertEquals(17, plain.attr().size());
        assertEquals("from another tool", readAll(plain.handle()));
        Attr sh = vfs.lookup(ROOT, ext.handle(), "s3fs.sh").attr();
        assertEquals(0755, sh.mode());
        assertEquals(1000, sh.uid());
        assertEquals(100, sh.gid());
        assertEquals(1_700_000_000L, sh.mtime().getEpochSecond());
        assertEquals(500_000_000, sh.mtime().getNano());
    }

    // ------------------------------------------------------------------ directories

    @Test
    void filesCreatedInANewDirectoryCostNoBucketLookups() throws Exception {
        settings = settings.withTtls(Duration.ZERO, Duration.ofMinutes(5));
        restart();
        FileHandle made = vfs.mkdir(ROOT, vfs.root(), "fresh", SetAttr.NONE).handle();
        int heads = hooked.heads.get();
        int lists = hooked.lists.get();
        for (int i = 0; i < 20; i++) {
            vfs.create(ROOT, made, "f" + i, CreateMode.GUARDED, SetAttr.NONE, 0);
        }
        assertEquals(20, vfs.readdir(ROOT, made, 0, 0, 100).entries().size());
        assertEquals(heads, hooked.heads.get(), "the new directory is known empty: no HEAD per new name");
        assertEquals(lists, hooked.lists.get(), "nor a LIST per new name, nor for its listing");
        sync();
        restart(); // forgotten on restart: the directory is listed from the bucket again
        FileHandle again = vfs.lookup(ROOT, vfs.root(), "fresh").handle();
        assertEquals(20, vfs.readdir(ROOT, again, 0, 0, 100).entries().size());
    }

    @Test
    void mkdirReaddirRemoveRmdir() throws Exception {
        FileHandle a = vfs.mkdir(ROOT, vfs.root(), "a", SetAttr.mode(0750)).handle();
        newFileIn(a, "x", "1");
        newFileIn(a, "y", "22");
        assertEquals(List.of("a"), names(vfs.root()));
        assertEquals(List.of("x", "y"), names(a));
        assertStatus(VfsStatus.NOT_EMPTY, () -> vfs.rmdir(ROOT, vfs.root(), "a"));
        assertStatus(VfsStatus.IS_DIRECTORY, () -> vfs.remove(ROOT, vfs.root(), "a"));
        assertStatus(VfsStatus.NOT_DIRECTORY, () -> vfs.rmdir(ROOT, a, "x"));
        sync();
        assertEquals(Set.of("a/", "a/x", "a/y"), keys(""));
        assertEquals(Integer.toString(040750), store.head("a/").userMetadata().get("mode"));
        vfs.remove(ROOT, a, "x");
        vfs.remove(ROOT, a, "y");
        assertStatus(VfsStatus.NOT_FOUND, () -> vfs.lookup(ROOT, a, "x"));
        vfs.rmdir(ROOT, vfs.root(), "a");
        assertEquals(List.of(), names(vfs.root()));
        sync();
        assertEquals(Set.of(), keys(""));
    }

    @Test
    void statfsCountsTheBytesOfTheFilesItKnows() throws Exception {
        FsStat before = vfs.statfs(ROOT, vfs.root());
        Entry f = vfs.create(ROOT, vfs.root(), "big", CreateMode.GUARDED, SetAttr.NONE, 0);
        vfs.write(ROOT, f.handle(), 0, ByteBuffer.wrap(new byte[3 << 20]), Stability.FILE_SYNC);
        FsStat after = vfs.statfs(ROOT, vfs.root());
        assertEquals(before.totalBytes(), after.totalBytes());
        assertEquals(3 << 20, before.freeBytes() - after.freeBytes());
        assertEquals(1, before.freeFiles() - after.freeFiles());
    }

    @Test
    void readdirContinuesWithVerifierZeroWithoutListingTheBucketAgain() throws Exception {
        FileHandle dir = vfs.mkdir(ROOT, vfs.root(), "z", SetAttr.NONE).handle();
        for (int i = 0; i < 30; i++) {
            store.put("z/f" + (100 + i), Payload.ofBytes(new byte[0]), PutOptions.NONE);
        }
        DirPage first = vfs.readdir(ROOT, dir, 0, 0, 10);
        long cookie = first.entries().get(first.entries().size() - 1).cookie();
        store.put("z/f099", Payload.ofBytes(new byte[0]), PutOptions.NONE); // a fresh listing would show it first
        List<String> rest = new ArrayList<>();
        DirPage p = vfs.readdir(ROOT, dir, cookie, 0, 100);
        for (DirEntry e : p.entries()) {
            rest.add(e.name());
        }
        assertEquals("f110", rest.get(0), "continued the same listing: " + rest);
        assertEquals(20, rest.size());
    }

    @Test
    void readdirStreamsThousandsOfEntriesPageByPage() throws Exception {
        int n = DIR_ENTRIES;
        ExecutorService pool = Executors.newFixedThreadPool(8);
        try {
            List<Future<?>> puts = new ArrayList<>();
            for (int i = 0; i < n; i++) {
                String key = String.format("many/f%06d", i);
                puts.add(pool.submit(() -> {
                    store.put(key, Payload.ofBytes(bytes(key)), PutOptions.NONE);
                    return null;
                }));
            }
            for (Future<?> f : puts) {
                f.get(60, TimeUnit.SECONDS);
            }
        } finally {
            pool.shutdownNow();
        }
        FileHandle dir = vfs.lookup(ROOT, vfs.root(), "many").handle();
        List<String> seen = new ArrayList<>();
        Set<Long> ids = new HashSet<>();
        long cookie = 0;
        long verifier = 0;
        int pages = 0;
        while (true) {
            DirPage p = vfs.readdir(ROOT, dir, cookie, verifier, 100);
            pages++;
            for (DirEntry e : p.entries()) {
                seen.add(e.name());
                ids.add(e.handle().fileId());
                cookie = e.cookie();
            }
            verifier = p.verifier();
            if (p.eof()) {
                break;
            }
        }
        assertEquals(n, seen.size());
        assertEquals(n, ids.size(), "one file id per file");
        List<String> sorted = new ArrayList<>(seen);
        sorted.sort(null);
        assertEquals(sorted, seen);
        assertTrue(pages >= n / 100, "pages: " + pages);
    }

    // ------------------------------------------------------------------ rename

    @Test
    void renameOfAFileIsAtOnceInTheNamespaceAndThenInTheBucket() throws Exception {
        FileHandle h = newFile("old.txt", "content");
        vfs.commit(ROOT, h);
        sync();
        vfs.rename(ROOT, vfs.root(), "old.txt", vfs.root(), "new.txt");
        assertStatus(VfsStatus.NOT_FOUND, () -> vfs.lookup(ROOT, vfs.root(), "old.txt"));
        Entry moved = vfs.lookup(ROOT, vfs.root(), "new.txt");
        assertEquals(h, moved.handle(), "the handle survives the rename");
        assertEquals("content", readAll(h));
        sync();
        assertEquals(Set.of("new.txt"), keys(""));
        assertEquals("content", object("new.txt"));
        assertEquals("content", readAll(h));
    }

    @Test
    void aCopyToANameTheFileLeftIsDeletedAndNeverListed() throws Exception {
        store.put("a", Payload.ofBytes(bytes("content")), PutOptions.NONE); // clean: its rename is a copy
        assertEquals("content", readAll(vfs.lookup(ROOT, vfs.root(), "a").handle()));
        java.util.concurrent.CountDownLatch copied = new java.util.concurrent.CountDownLatch(1);
        java.util.concurrent.CountDownLatch renamedOn = new java.util.concurrent.CountDownLatch(1);
        landThenFail("b", copied, renamedOn);
        vfs.rename(ROOT, vfs.root(), "a", vfs.root(), "b");
        assertTrue(copied.await(30, TimeUnit.SECONDS), "the mover copied a to b");
        vfs.rename(ROOT, vfs.root(), "b", vfs.root(), "c");
        assertTrue(keys("").contains("b"), "the copy landed: " + keys(""));
        assertEquals(List.of("c"), names(vfs.root()), "the copy left at b is nobody's file");
        assertStatus(VfsStatus.NOT_FOUND, () -> vfs.lookup(ROOT, vfs.root(), "b"));
        renamedOn.countDown();
        sync();
        assertEquals(Set.of("c"), keys(""));
        assertEquals("content", object("c"));
        assertEquals(List.of("c"), names(vfs.root()));
        restart();
        assertEquals(List.of("c"), names(vfs.root()));
        assertEquals("content", readAll(vfs.lookup(ROOT, vfs.root(), "c").handle()));
    }

    @Test
    void anObjectChangedByAnotherToolWhileItsMoveIsPendingMovesAsItIs() throws Exception {
        store.put("a", Payload.ofBytes(bytes("content")), PutOptions.NONE);
        assertEquals("content", readAll(vfs.lookup(ROOT, vfs.root(), "a").handle()));
        hooked.beforeCopy = (source, target) -> {
            hooked.beforeCopy = null;
            store.put("a", Payload.ofBytes(bytes("changed elsewhere")), PutOptions.NONE);
        };
        vfs.rename(ROOT, vfs.root(), "a", vfs.root(), "b");
        sync();
        assertEquals(Set.of("b"), keys(""), "the bytes are moved, not lost");
        assertEquals("changed elsewhere", object("b"));
    }

    @Test
    void aCopyOfADirectoryMoveToANameTheFileLeftIsDeleted() throws Exception {
        store.put("d/f", Payload.ofBytes(bytes("content")), PutOptions.NONE);
        FileHandle d = vfs.lookup(ROOT, vfs.root(), "d").handle();
        assertEquals(List.of("f"), names(d));
        java.util.concurrent.CountDownLatch copied = new java.util.concurrent.CountDownLatch(1);
        java.util.concurrent.CountDownLatch renamedOn = new java.util.concurrent.CountDownLatch(1);
        landThenFail("e/f", copied, renamedOn);
        vfs.rename(ROOT, vfs.root(), "d", vfs.root(), "e");
        assertTrue(copied.await(30, TimeUnit.SECONDS), "the mover copied d/f to e/f");
        vfs.rename(ROOT, d, "f", d, "g");
        assertEquals(List.of("g"), names(d), "the copy left at e/f is nobody's file");
        renamedOn.countDown();
        sync();
        Set<String> under = new HashSet<>(keys("e/"));
        under.remove("e/"); // the directory's marker, if the move wrote one
        assertEquals(Set.of("e/g"), under);
        assertEquals(Set.of(), keys("d/"));
        assertEquals("content", object("e/g"));
        restart();
        d = vfs.lookup(ROOT, vfs.root(), "e").handle();
        assertEquals(List.of("g"), names(d));
        assertEquals("content", readAll(vfs.lookup(ROOT, d, "g").handle()));
    }

    @Test
    void renameOverAnExistingFileReplacesIt() throws Exception {
        FileHandle a = newFile("a", "AAA");
        FileHandle b = newFile("b", "BBBBB");
        vfs.commit(ROOT, a);
        vfs.commit(ROOT, b);
        sync();
        vfs.rename(ROOT, vfs.root(), "a", vfs.root(), "b");
        assertEquals("AAA", readAll(vfs.lookup(ROOT, vfs.root(), "b").handle()));
        assertStatus(VfsStatus.STALE, () -> vfs.getattr(ROOT, b));
        sync();
        assertEquals(Set.of("b"), keys(""));
        assertEquals("AAA", object("b"));
    }

    @Test
    void renameOfADirectoryMovesEveryKeyInTheBackground() throws Exception {
        for (int i = 0; i < 30; i++) {
            store.put("d/sub/f" + i, Payload.ofBytes(bytes("v" + i)), PutOptions.NONE);
        }
        store.put("d/top", Payload.ofBytes(bytes("top")), PutOptions.NONE);
        FileHandle d = vfs.lookup(ROOT, vfs.root(), "d").handle();
        FileHandle mine = newFileIn(d, "written-here", "mine");
        vfs.commit(ROOT, mine);
        vfs.rename(ROOT, vfs.root(), "d", vfs.root(), "e");
        assertStatus(VfsStatus.NOT_FOUND, () -> vfs.lookup(ROOT, vfs.root(), "d"));
        FileHandle e = vfs.lookup(ROOT, vfs.root(), "e").handle();
        assertEquals(d, e);
        FileHandle sub = vfs.lookup(ROOT, e, "sub").handle();
        for (int i = 0; i < 30; i++) {
            assertEquals("v" + i, readAll(vfs.lookup(ROOT, sub, "f" + i).handle()));
        }
        assertEquals("top", readAll(vfs.lookup(ROOT, e, "top").handle()));
        assertEquals("mine", readAll(mine));
        sync();
        Set<String> k = keys("");
        assertTrue(k.stream().noneMatch(s -> s.startsWith("d/")), k.toString());
        assertEquals(32, k.stream().filter(s -> s.startsWith("e/")).count(), k.toString());
        assertEquals("v7", object("e/sub/f7"));
        assertEquals("mine", object("e/written-here"));
    }

    @Test
    void renameRulesForDirectories() throws Exception {
        FileHandle a = vfs.mkdir(ROOT, vfs.root(), "a", SetAttr.NONE).handle();
        FileHandle inner = vfs.mkdir(ROOT, a, "inner", SetAttr.NONE).handle();
        vfs.mkdir(ROOT, vfs.root(), "full", SetAttr.NONE);
        newFileIn(vfs.lookup(ROOT, vfs.root(), "full").handle(), "f", "x");
        newFile("file", "x");
        assertStatus(VfsStatus.INVALID, () -> vfs.rename(ROOT, vfs.root(), "a", inner, "a2"));
        assertStatus(VfsStatus.NOT_EMPTY, () -> vfs.rename(ROOT, vfs.root(), "a", vfs.root(), "full"));
        assertStatus(VfsStatus.IS_DIRECTORY, () -> vfs.rename(ROOT, vfs.root(), "file", vfs.root(), "a"));
        assertStatus(VfsStatus.NOT_DIRECTORY, () -> vfs.rename(ROOT, vfs.root(), "a", vfs.root(), "file"));
        vfs.mkdir(ROOT, vfs.root(), "empty", SetAttr.NONE);
        vfs.rename(ROOT, vfs.root(), "a", vfs.root(), "empty");
        assertEquals(List.of("empty", "file", "full"), names(vfs.root()));
        vfs.rename(ROOT, vfs.root(), "file", vfs.root(), "file"); // onto itself: nothing happens
        assertEquals(List.of("empty", "file", "full"), names(vfs.root()));
    }

    // ------------------------------------------------------------------ handles and restarts

    @Test
    void handlesAndDataSurviveARestart() throws Exception {
        FileHandle dir = vfs.mkdir(ROOT, vfs.root(), "keep", SetAttr.NONE).handle();
        FileHandle f = newFileIn(dir, "f.txt", "persisted");
        vfs.commit(ROOT, f);
        vfs.rename(ROOT, dir, "f.txt", dir, "g.txt");
        restart();
        Attr a = vfs.getattr(ROOT, f);
        assertEquals(9, a.size());
        assertEquals("persisted", readAll(f));
        assertEquals(f, vfs.lookup(ROOT, dir, "g.txt").handle());
        sync();
        assertEquals("persisted", object("keep/g.txt"));
    }

    @Test
    void aFileDeletedInTheBucketIsAStaleHandleNeverAnotherFile() throws Exception {
        store.put("gone.txt", Payload.ofBytes(bytes("first")), PutOptions.NONE);
        FileHandle h = vfs.lookup(ROOT, vfs.root(), "gone.txt").handle();
        assertEquals("first", readAll(h));
        store.delete("gone.txt");
        assertStatus(VfsStatus.STALE, () -> vfs.getattr(ROOT, h));
        store.put("gone.txt", Payload.ofBytes(bytes("second")), PutOptions.NONE);
        Entry again = vfs.lookup(ROOT, vfs.root(), "gone.txt");
        assertNotEquals(h, again.handle());
        assertStatus(VfsStatus.STALE, () -> vfs.read(ROOT, h, 0, ByteBuffer.allocate(10)));
    }

    @Test
    void aFileChangedInTheBucketIsReadAsTheNewVersion() throws Exception {
        store.put("changing", Payload.ofBytes(bytes("version one")), PutOptions.NONE);
        FileHandle h = vfs.lookup(ROOT, vfs.root(), "changing").handle();
        assertEquals("version one", readAll(h));
        store.put("changing", Payload.ofBytes(bytes("version two, longer")), PutOptions.NONE);
        assertEquals("version two, longer", readAll(h));
    }

    // ------------------------------------------------------------------ rules

    @Test
    void createModesAndNames() throws Exception {
        newFile("exists", "x");
        assertStatus(VfsStatus.EXISTS, () -> vfs.create(ROOT, vfs.root(), "exists", CreateMode.GUARDED,
                SetAttr.NONE, 0));
        Entry unchecked = vfs.create(ROOT, vfs.root(), "exists", CreateMode.UNCHECKED, SetAttr.NONE.withSize(0L), 0);
        assertEquals(0, unchecked.attr().size());
        Entry ex = vfs.create(ROOT, vfs.root(), "excl", CreateMode.EXCLUSIVE, SetAttr.NONE, 42);
        assertEquals(ex.handle(), vfs.create(ROOT, vfs.root(), "excl", CreateMode.EXCLUSIVE, SetAttr.NONE, 42)
                .handle(), "a retransmitted exclusive create succeeds again");
        assertStatus(VfsStatus.EXISTS, () -> vfs.create(ROOT, vfs.root(), "excl", CreateMode.EXCLUSIVE,
                SetAttr.NONE, 43));
        for (String bad : List.of("", ".", "..", "a/b", "nul\0")) {
            assertStatus(VfsStatus.BAD_NAME, () -> vfs.create(ROOT, vfs.root(), bad, CreateMode.GUARDED,
                    SetAttr.NONE, 0));
        }
        assertStatus(VfsStatus.NAME_TOO_LONG, () -> vfs.mkdir(ROOT, vfs.root(), "n".repeat(256), SetAttr.NONE));
        assertStatus(VfsStatus.NOT_SUPPORTED, () -> vfs.link(ROOT, ex.handle(), vfs.root(), "hard"));
        assertStatus(VfsStatus.NOT_DIRECTORY, () -> vfs.lookup(ROOT, ex.handle(), "x"));
    }

    @Test
    void permissionsAndOwnership() throws Exception {
        assertStatus(VfsStatus.ACCESS_DENIED, () -> vfs.create(ALICE, vfs.root(), "nope", CreateMode.GUARDED,
                SetAttr.NONE, 0));
        FileHandle home = vfs.mkdir(ROOT, vfs.root(), "home", SetAttr.mode(0777)).handle();
        Entry mine = vfs.create(ALICE, home, "mine", CreateMode.GUARDED, SetAttr.mode(0600), 0);
        assertEquals(1000, mine.attr().uid());
        assertStatus(VfsStatus.NOT_OWNER, () -> vfs.setattr(ALICE, mine.handle(), SetAttr.NONE.withOwner(0, null),
                null));
        vfs.setattr(ALICE, mine.handle(), SetAttr.mode(0644), null);
        Entry roots = vfs.create(ROOT, home, "roots", CreateMode.GUARDED, SetAttr.mode(0600), 0);
        assertStatus(VfsStatus.ACCESS_DENIED, () -> vfs.read(ALICE, roots.handle(), 0, ByteBuffer.allocate(1))
                .count());
        assertStatus(VfsStatus.NOT_OWNER, () -> vfs.setattr(ALICE, roots.handle(), SetAttr.mode(0777), null));
    }

    @Test
    void symlinksKeepTheirTargetInTheBucketAndAcrossRestarts() throws Exception {
        Entry l = vfs.symlink(ROOT, vfs.root(), "link", "../some/where", SetAttr.NONE);
        assertEquals(FileType.SYMLINK, l.attr().type());
        assertEquals("../some/where", vfs.readlink(ROOT, l.handle()));
        sync();
        assertEquals("../some/where", object("link"));
        assertEquals(Integer.toString(0120777), store.head("link").userMetadata().get("mode"));
        restart();
        Entry again = vfs.lookup(ROOT, vfs.root(), "link");
        assertEquals(FileType.SYMLINK, again.attr().type());
        assertEquals("../some/where", vfs.readlink(ROOT, again.handle()));
    }

    @Test
    void setattrChangesObjectMetadata() throws Exception {
        FileHandle h = newFile("meta", "data");
        vfs.commit(ROOT, h);
        sync();
        vfs.setattr(ROOT, h, SetAttr.mode(0600).withOwner(1000, 1000), null);
        sync();
        Map<String, String> m = store.head("meta").userMetadata();
        assertEquals(Integer.toString(0100600), m.get("mode"));
        assertEquals("1000", m.get("uid"));
        assertEquals("data", object("meta"));
    }

    @Test
    void aReadOnlyMountRefusesEveryChange() throws Exception {
        store.put("ro.txt", Payload.ofBytes(bytes("read me")), PutOptions.NONE);
        runtime.close();
        settings = settings.withReadOnly(true);
        start();
        FileHandle h = vfs.lookup(ROOT, vfs.root(), "ro.txt").handle();
        assertEquals("read me", readAll(h));
        assertStatus(VfsStatus.READ_ONLY, () -> vfs.write(ROOT, h, 0, buf("x"), Stability.FILE_SYNC));
        assertStatus(VfsStatus.READ_ONLY, () -> vfs.create(ROOT, vfs.root(), "n", CreateMode.GUARDED,
                SetAttr.NONE, 0));
        assertStatus(VfsStatus.READ_ONLY, () -> vfs.remove(ROOT, vfs.root(), "ro.txt"));
        assertStatus(VfsStatus.READ_ONLY, () -> vfs.rename(ROOT, vfs.root(), "ro.txt", vfs.root(), "x"));
        assertEquals(Set.of("ro.txt"), keys(""));
    }

    @Test
    void aWriteOverAnObjectChangedInTheBucketBecomesAConflictCopy() throws Exception {
        store.put("shared.txt", Payload.ofBytes(bytes("original")), PutOptions.NONE);
        FileHandle h = vfs.lookup(ROOT, vfs.root(), "shared.txt").handle();
        assertEquals("original", readAll(h)); // an editor reads before it writes (the base is cached)
        vfs.write(ROOT, h, 0, buf("OURS"), Stability.UNSTABLE);
        store.put("shared.txt", Payload.ofBytes(bytes("theirs")), PutOptions.NONE);
        vfs.commit(ROOT, h);
        sync();
        assertEquals("theirs", object("shared.txt"), "never a silent overwrite");
        List<String> conflicts = keys("").stream().filter(k -> k.startsWith("shared.txt.bucketfs-conflict-"))
                .toList();
        assertEquals(1, conflicts.size(), keys("").toString());
        assertEquals("OURSinal", object(conflicts.get(0)));
    }

    @Test
    void theOpenThatDeniesDeleteMayItselfRenameButNoOtherOpenMay() throws Exception {
        FileHandle h = newFile("mine", "x");
        var locks = vfs.locks();
        var deny = java.util.EnumSet.of(io.bucketfs.vfs.lock.ShareAccess.DELETE);
        var mine = locks.openShare(h.fileId(), new io.bucketfs.vfs.lock.LockOwner("smb", "open-1"),
                java.util.EnumSet.of(io.bucketfs.vfs.lock.ShareAccess.DELETE), deny).get(5, TimeUnit.SECONDS)
                .reservation().orElseThrow();
        vfs.rename(ROOT, vfs.root(), "mine", vfs.root(), "renamed", mine.id());
        assertEquals(h.fileId(), vfs.lookup(ROOT, vfs.root(), "renamed").attr().fileId());
        assertStatus(VfsStatus.SHARE_VIOLATION, () -> vfs.rename(ROOT, vfs.root(), "renamed", vfs.root(), "again",
                mine.id() + 1));
        assertStatus(VfsStatus.SHARE_VIOLATION, () -> vfs.rename(ROOT, vfs.root(), "renamed", vfs.root(), "again"));
        locks.close(h.fileId(), mine.id());
    }

    @Test
    void anExplicitChangeTimeIsKeptExactlyAcrossRestarts() throws Exception {
        FileHandle h = newFile("times", "x");
        Instant set = Instant.ofEpochSecond(-1, 123_456_700); // before the epoch, 100 ns resolution
        Attr a = vfs.setattr(ROOT, h, SetAttr.NONE.withTimes(null, set).withBirthTime(set).withCtime(set), null);
        assertEquals(set, a.ctime());
        assertEquals(set, a.mtime());
        Attr moved = vfs.setattr(ROOT, h, SetAttr.NONE.withDosAttributes(DosAttributes.HIDDEN), null);
        assertTrue(moved.ctime().isAfter(set), "a later change moves the change time again");
        vfs.setattr(ROOT, h, SetAttr.NONE.withCtime(set), null);
        restart();
        Attr back = vfs.getattr(ROOT, h);
        assertEquals(set, back.ctime());
        assertEquals(set, back.birthTime());
        assertEquals(DosAttributes.HIDDEN, back.dosAttributes());
    }

    @Test
    void sharesAndLocksHoldAcrossProtocolsAndGuardDeletes() throws Exception {
        FileHandle h = newFile("locked", "0123456789");
        var locks = vfs.locks();
        var smbOpen = new io.bucketfs.vfs.lock.LockOwner("smb", "open-1");
        var nfsOwner = new io.bucketfs.vfs.lock.LockOwner("nfs", "client-1/owner-1");
        var share = locks.openShare(h.fileId(), smbOpen, java.util.EnumSet.of(io.bucketfs.vfs.lock.ShareAccess.READ),
                java.util.EnumSet.of(io.bucketfs.vfs.lock.ShareAccess.DELETE)).get(5, TimeUnit.SECONDS);
        assertEquals(io.bucketfs.vfs.lock.LockStatus.GRANTED, share.status());
        assertStatus(VfsStatus.SHARE_VIOLATION, () -> vfs.remove(ROOT, vfs.root(), "locked"));
        assertStatus(VfsStatus.SHARE_VIOLATION, () -> vfs.rename(ROOT, vfs.root(), "locked", vfs.root(), "moved"));
        var posix = locks.lock(h.fileId(), nfsOwner, io.bucketfs.vfs.lock.LockFlavor.POSIX,
                io.bucketfs.vfs.lock.LockType.WRITE, 0, 5, false).get(5, TimeUnit.SECONDS);
        assertEquals(io.bucketfs.vfs.lock.LockStatus.GRANTED, posix.status());
        var smbLock = locks.lock(h.fileId(), smbOpen, io.bucketfs.vfs.lock.LockFlavor.SMB,
                io.bucketfs.vfs.lock.LockType.READ, 2, 2, false).get(5, TimeUnit.SECONDS);
        assertEquals(io.bucketfs.vfs.lock.LockStatus.DENIED, smbLock.status(), "an NFS lock blocks an SMB lock");
        locks.close(h.fileId(), share.reservation().orElseThrow().id());
        vfs.remove(ROOT, vfs.root(), "locked");
        assertStatus(VfsStatus.NOT_FOUND, () -> vfs.lookup(ROOT, vfs.root(), "locked"));
    }

    @Test
    void anObjectStoreCommitReportsTheConflict() throws Exception {
        runtime.close();
        settings = settings.withDurability(MountSettings.Durability.OBJECT_STORE);
        start();
        store.put("contested", Payload.ofBytes(bytes("base")), PutOptions.NONE);
        FileHandle h = vfs.lookup(ROOT, vfs.root(), "contested").handle();
        assertEquals("base", readAll(h));
        vfs.write(ROOT, h, 0, buf("MINE"), Stability.UNSTABLE);
        store.put("contested", Payload.ofBytes(bytes("other writer")), PutOptions.NONE);
        assertStatus(VfsStatus.CONFLICT, () -> vfs.commit(ROOT, h));
        assertEquals("other writer", object("contested"));
        assertTrue(keys("").stream().anyMatch(k -> k.startsWith("contested.bucketfs-conflict-")), keys("").toString());
    }

    // ------------------------------------------------------------------ helpers

    /**
     * The next copy to {@code target} lands in the bucket, counts {@code copied} down, waits for {@code release},
     * and then reports a failure to the mover (as a timeout after the store did the copy does).
     */
    private void landThenFail(String target, java.util.concurrent.CountDownLatch copied,
                              java.util.concurrent.CountDownLatch release) {
        hooked.afterCopy = (source, t) -> {
            if (t.equals(target)) {
                hooked.afterCopy = null;
                copied.countDown();
                try {
                    release.await(30, TimeUnit.SECONDS);
                } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                }
                throw new ObjectStoreException(ObjectStoreException.Kind.TRANSIENT, "timed out after the copy");
            }
        };
    }

    protected FileHandle newFile(String name, String content) throws VfsException {
        return newFileIn(vfs.root(), name, content);
    }

    protected FileHandle newFileIn(FileHandle dir, String name, String content) throws VfsException {
        FileHandle h = vfs.create(ROOT, dir, name, CreateMode.GUARDED, SetAttr.NONE, 0).handle();
        if (!content.isEmpty()) {
            vfs.write(ROOT, h, 0, buf(content), Stability.UNSTABLE);
        }
        return h;
    }

    protected String readAll(FileHandle h) throws VfsException {
        Attr a = vfs.getattr(ROOT, h);
        ByteBuffer b = ByteBuffer.allocate((int) a.size() + 16);
        long off = 0;
        while (true) {
            ReadResult r = vfs.read(ROOT, h, off, b);
            off += r.count();
            if (r.eof() || r.count() == 0) {
                break;
            }
        }
        b.flip();
        return UTF_8.decode(b).toString();
    }

    protected List<String> names(FileHandle dir) throws VfsException {
        List<String> out = new ArrayList<>();
        long cookie = 0;
        long verifier = 0;
        while (true) {
            DirPage p = vfs.readdir(ROOT, dir, cookie, verifier, 1000);
            for (DirEntry e : p.entries()) {
                out.add(e.name());
                cookie = e.cookie();
            }
            verifier = p.verifier();
            if (p.eof()) {
                return out;
            }
        }
    }

    protected String object(String key) throws Exception {
        try (ObjectContent c = store.get(key, GetOptions.NONE)) {
            return new String(c.readAllBytes(), UTF_8);
        }
    }

    protected Set<String> keys(String prefix) throws ObjectStoreException {
        Set<String> out = new HashSet<>();
        ListRequest req = ListRequest.flat(prefix);
        while (true) {
            var p = store.list(req);
            for (ObjectSummary s : p.objects()) {
                out.add(s.key());
            }
            if (p.isLast()) {
                return out;
            }
            req = req.withContinuationToken(p.nextContinuationToken());
        }
    }

    static ByteBuffer buf(String s) {
        return ByteBuffer.wrap(s.getBytes(UTF_8));
    }

    static byte[] bytes(String s) {
        return s.getBytes(UTF_8);
    }

    static void assertStatus(VfsStatus want, Executable call) {
        VfsException e = assertThrows(VfsException.class, call);
        assertEquals(want, e.status(), () -> "expected " + want + " but got " + e);
    }

}
