package io.bucketfs.vfs.core;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.bucketfs.backends.local.LocalDirectoryStore;
import io.bucketfs.cache.CacheSettings;
import io.bucketfs.cache.write.WriteBackSettings;
import io.bucketfs.vfs.Caller;
import io.bucketfs.vfs.CreateMode;
import io.bucketfs.vfs.FileHandle;
import io.bucketfs.vfs.MountSettings;
import io.bucketfs.vfs.SetAttr;
import io.bucketfs.vfs.Stability;
import io.bucketfs.vfs.Vfs;
import io.bucketfs.vfs.journal.JournalSettings;
import io.bucketfs.vfs.watch.ChangeFilter;
import io.bucketfs.vfs.watch.DirChange;
import io.bucketfs.vfs.watch.DirChange.Action;
import io.bucketfs.vfs.watch.DirWatches;
import java.nio.ByteBuffer;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/** {@link Vfs#watches()}: which namespace changes a directory watcher is told of, and with which names. */
@Timeout(value = 60, unit = TimeUnit.SECONDS)
class VfsWatchTest {
    private static final Caller ROOT = Caller.ROOT;

    @TempDir
    Path tmp;
    private VfsRuntime runtime;
    private Vfs vfs;
    private FileHandle a;
    private FileHandle b;

    @BeforeEach
    void setUp() throws Exception {
        runtime = VfsRuntime.open(tmp.resolve("state"), tmp.resolve("cache"),
                CacheSettings.DEFAULT.withChunkSize(1 << 20).withCapacityBytes(64L << 20),
                WriteBackSettings.DEFAULT.withPartSize(5L << 20), JournalSettings.defaults(),
                List.of(new VfsRuntime.MountSpec(MountSettings.defaults("m1").withTtls(Duration.ZERO, Duration.ZERO),
                        LocalDirectoryStore.create(Files.createDirectories(tmp.resolve("bucket"))))));
        vfs = runtime.mount("m1");
        a = vfs.mkdir(ROOT, vfs.root(), "a", SetAttr.NONE).handle();
        b = vfs.mkdir(ROOT, a, "b", SetAttr.NONE).handle();
    }

    @AfterEach
    void tearDown() {
        runtime.close();
    }

    private List<DirChange> watch(FileHandle dir, boolean subtree) {
        List<DirChange> got = new CopyOnWriteArrayList<>();
        vfs.watches().watch(dir.fileId(), subtree, got::add);
        return got;
    }

    @Test
    void namespaceChangesAreReportedInOrder() throws Exception {
        List<DirChange> got = watch(a, false);
        FileHandle f = vfs.create(ROOT, a, "f", CreateMode.GUARDED, SetAttr.NONE, 0).handle();
        vfs.write(ROOT, f, 0, ByteBuffer.wrap(new byte[3]), Stability.UNSTABLE);
        vfs.setattr(ROOT, f, SetAttr.mode(0600), null);
        vfs.rename(ROOT, a, "f", a, "g");
        vfs.rename(ROOT, a, "g", b, "g");
        vfs.remove(ROOT, b, "g"); // in b: not a's change
        vfs.rmdir(ROOT, a, "b");
        assertEquals(List.of(
                new DirChange("f", Action.ADDED, ChangeFilter.FILE_NAME),
                new DirChange("f", Action.MODIFIED, ChangeFilter.SIZE | ChangeFilter.LAST_WRITE),
                new DirChange("f", Action.MODIFIED, ChangeFilter.ATTRIBUTES | ChangeFilter.SECURITY),
                new DirChange("f", Action.RENAMED_OLD, ChangeFilter.FILE_NAME),
                new DirChange("g", Action.RENAMED_NEW, ChangeFilter.FILE_NAME),
                new DirChange("g", Action.REMOVED, ChangeFilter.FILE_NAME),
                new DirChange("b", Action.REMOVED, ChangeFilter.DIR_NAME)), got);
    }

    @Test
    void subtreeWatchersSeeRelativePathsOthersNothingBelow() throws Exception {
        List<DirChange> tree = watch(vfs.root(), true);
        List<DirChange> flat = watch(a, false);
        vfs.create(ROOT, b, "deep", CreateMode.GUARDED, SetAttr.NONE, 0);
        vfs.remove(ROOT, b, "deep");
        assertEquals(List.of(new DirChange("a/b/deep", Action.ADDED, ChangeFilter.FILE_NAME),
                new DirChange("a/b/deep", Action.REMOVED, ChangeFilter.FILE_NAME)), tree);
        assertEquals(List.of(), flat);
    }

    @Test
    void closingTheLastWatchMakesReportingInactive() throws Exception {
        DirWatches w = vfs.watches();
        assertFalse(w.active());
        DirWatches.Watch one = w.watch(a.fileId(), false, c -> { });
        DirWatches.Watch two = w.watch(a.fileId(), true, c -> { });
        assertTrue(w.active());
        one.close();
        one.close();
        assertTrue(w.active());
        two.close();
        assertFalse(w.active());
        vfs.create(ROOT, a, "unwatched", CreateMode.GUARDED, SetAttr.NONE, 0);
    }
}
