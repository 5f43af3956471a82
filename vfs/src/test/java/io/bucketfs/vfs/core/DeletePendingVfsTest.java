package io.bucketfs.vfs.core;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.bucketfs.backends.ObjectStore;
import io.bucketfs.backends.local.LocalDirectoryStore;
import io.bucketfs.cache.CacheSettings;
import io.bucketfs.cache.write.WriteBackSettings;
import io.bucketfs.vfs.Caller;
import io.bucketfs.vfs.CreateMode;
import io.bucketfs.vfs.Entry;
import io.bucketfs.vfs.FileHandle;
import io.bucketfs.vfs.MountSettings;
import io.bucketfs.vfs.SetAttr;
import io.bucketfs.vfs.Vfs;
import io.bucketfs.vfs.VfsException;
import io.bucketfs.vfs.VfsStatus;
import io.bucketfs.vfs.journal.JournalSettings;
import io.bucketfs.vfs.lock.LockOwner;
import io.bucketfs.vfs.lock.ShareAccess;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Set;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.function.Executable;
import org.junit.jupiter.api.io.TempDir;

/**
 * Delete-pending through the {@link Vfs} ({@link Vfs#setDeletePending}): a delete-pending file is still found but
 * not opened again through {@link Vfs#create}, nothing new is made in a delete-pending directory, the last close
 * of the opens in the lock manager removes the file (under the name it has then), clearing the mark cancels
 * that, setting it needs the right to remove the file, and a restart leaves the file there and not pending.
 */
@Timeout(value = 60, unit = TimeUnit.SECONDS)
class DeletePendingVfsTest {

    private static final Caller ROOT = Caller.ROOT;
    private static final Caller ALICE = new Caller(1000, 1000, new int[] {1000});
    private static final LockOwner OPENER = new LockOwner("smb/1", "open");

    @TempDir
    Path tmp;
    private ObjectStore store;
    private VfsRuntime runtime;
    private Vfs vfs;

    @BeforeEach
    void setUp() throws Exception {
        store = LocalDirectoryStore.create(Files.createDirectories(tmp.resolve("bucket")));
        start();
    }

    private void start() throws Exception {
        runtime = VfsRuntime.open(tmp.resolve("state"), tmp.resolve("cache"),
                CacheSettings.DEFAULT.withChunkSize(1 << 20).withCapacityBytes(64L << 20),
                WriteBackSettings.DEFAULT.withPartSize(5L << 20), JournalSettings.defaults(),
                List.of(new VfsRuntime.MountSpec(MountSettings.defaults("m1").withTtls(Duration.ZERO,
                        Duration.ZERO), store)));
        vfs = runtime.mount("m1");
    }

    @AfterEach
    void tearDown() {
        if (runtime != null) {
            runtime.close();
        }
        store.close();
    }

    /** An open of {@code f} with DELETE access, as SMB takes one: its reservation id. */
    private long open(Entry f) {
        return vfs.locks().openShare(f.attr().fileId(), OPENER, Set.of(ShareAccess.DELETE), Set.of()).join()
                .reservation().orElseThrow().id();
    }

    private Entry newFile(String name) throws VfsException {
        return vfs.create(ROOT, vfs.root(), name, CreateMode.GUARDED, SetAttr.NONE, 0);
    }

    /** Opens {@code f} as {@link #open} does and marks it delete-pending through that open: the open's id. */
    private long pending(Entry f) throws VfsException {
        long id = open(f);
        vfs.setDeletePending(ROOT, f.handle(), id, true);
        return id;
    }

    private void close(Entry f, long shareId) {
        vfs.locks().close(f.attr().fileId(), shareId);
    }

    private static void assertStatus(VfsStatus want, Executable call) {
        assertEquals(want, assertThrows(VfsException.class, call).status());
    }

    private boolean exists(FileHandle dir, String name) throws VfsException {
        try {
            vfs.lookup(ROOT, dir, name);
            return true;
        } catch (VfsException e) {
            assertEquals(VfsStatus.NOT_FOUND, e.status());
            return false;
        }
    }

    @Test
    void aDeletePendingFileIsFoundButNotOpenedAndGoesAtTheLastClose() throws Exception {
        Entry f = newFile("going.txt");
        long id = open(f);
        long reader = vfs.locks().openShare(f.attr().fileId(), new LockOwner("nfs/1", "o"),
                Set.of(ShareAccess.READ), Set.of()).join().reservation().orElseThrow().id();
        vfs.setDeletePending(ROOT, f.handle(), id, true);
        assertTrue(exists(vfs.root(), "going.txt"), "a lookup still finds it");
        assertStatus(VfsStatus.DELETE_PENDING, () -> vfs.create(ROOT, vfs.root(), "going.txt",
                CreateMode.UNCHECKED, SetAttr.NONE.withSize(0L), 0));
        close(f, id);
        assertTrue(exists(vfs.root(), "going.txt"), "another open still holds it");
        vfs.locks().close(f.attr().fileId(), reader);
        assertFalse(exists(vfs.root(), "going.txt"));
        newFile("going.txt"); // the name is free
    }

    @Test
    void nothingNewIsMadeInADeletePendingDirectory() throws Exception {
        Entry d = vfs.mkdir(ROOT, vfs.root(), "dir", SetAttr.NONE);
        newFile("outside.txt");
        long id = pending(d);
        FileHandle h = d.handle();
        assertStatus(VfsStatus.DELETE_PENDING, () -> vfs.create(ROOT, h, "f", CreateMode.UNCHECKED, SetAttr.NONE,
                0));
        assertStatus(VfsStatus.DELETE_PENDING, () -> vfs.mkdir(ROOT, h, "sub", SetAttr.NONE));
        assertStatus(VfsStatus.DELETE_PENDING, () -> vfs.symlink(ROOT, h, "l", "x", SetAttr.NONE));
        assertStatus(VfsStatus.DELETE_PENDING, () -> vfs.rename(ROOT, vfs.root(), "outside.txt", h, "in"));
        assertTrue(exists(vfs.root(), "outside.txt"));
        close(d, id);
        assertFalse(exists(vfs.root(), "dir"));
        assertTrue(exists(vfs.root(), "outside.txt"));
    }

    @Test
    void clearingTheMarkCancelsTheDelete() throws Exception {
        Entry f = newFile("kept.txt");
        long id = pending(f);
        vfs.setDeletePending(ROOT, f.handle(), id, false);
        vfs.create(ROOT, vfs.root(), "kept.txt", CreateMode.UNCHECKED, SetAttr.NONE, 0);
        close(f, id);
        assertTrue(exists(vfs.root(), "kept.txt"));
    }

    @Test
    void aFileRenamedWhilePendingGoesUnderItsNewName() throws Exception {
        Entry f = newFile("old.txt");
        long id = pending(f);
        vfs.rename(ROOT, vfs.root(), "old.txt", vfs.root(), "new.txt", id);
        close(f, id);
        assertFalse(exists(vfs.root(), "new.txt"));
        assertFalse(exists(vfs.root(), "old.txt"));
    }

    @Test
    void settingTheMarkNeedsTheRightToRemove() throws Exception {
        Entry f = vfs.create(ROOT, vfs.root(), "roots.txt", CreateMode.GUARDED, SetAttr.mode(0666), 0);
        long id = open(f);
        assertStatus(VfsStatus.ACCESS_DENIED, () -> vfs.setDeletePending(ALICE, f.handle(), id, true));
        assertFalse(vfs.locks().isDeletePending(f.attr().fileId()));
        long rootOpen = open(new Entry(vfs.root(), vfs.getattr(ROOT, vfs.root())));
        assertStatus(VfsStatus.ACCESS_DENIED, () -> vfs.setDeletePending(ROOT, vfs.root(), rootOpen, true));
        assertStatus(VfsStatus.INVALID, () -> vfs.setDeletePending(ROOT, f.handle(), 987_654, true));
        close(f, id);
        assertTrue(exists(vfs.root(), "roots.txt"));
    }

    @Test
    void aRestartLeavesTheFileThereAndNotPending() throws Exception {
        Entry f = newFile("survivor.txt");
        long id = pending(f);
        runtime.close();
        runtime = null;
        start();
        Entry again = vfs.lookup(ROOT, vfs.root(), "survivor.txt");
        assertFalse(vfs.locks().isDeletePending(again.attr().fileId()));
        vfs.create(ROOT, vfs.root(), "survivor.txt", CreateMode.UNCHECKED, SetAttr.NONE, 0);
    }
}
