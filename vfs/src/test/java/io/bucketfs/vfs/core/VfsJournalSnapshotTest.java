package io.bucketfs.vfs.core;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.bucketfs.backends.ObjectStore;
import io.bucketfs.backends.local.LocalDirectoryStore;
import io.bucketfs.cache.CacheSettings;
import io.bucketfs.cache.write.WriteBackSettings;
import io.bucketfs.vfs.Caller;
import io.bucketfs.vfs.CreateMode;
import io.bucketfs.vfs.FileHandle;
import io.bucketfs.vfs.MountSettings;
import io.bucketfs.vfs.SetAttr;
import io.bucketfs.vfs.Vfs;
import io.bucketfs.vfs.journal.JournalSettings;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/** The namespace snapshot: written when the journal asks, and a restart from it keeps every handle. */
@Timeout(value = 120, unit = TimeUnit.SECONDS)
class VfsJournalSnapshotTest {

    @TempDir
    Path tmp;

    private VfsRuntime open(ObjectStore store) throws Exception {
        return VfsRuntime.open(tmp.resolve("state"), tmp.resolve("cache"), CacheSettings.DEFAULT,
                WriteBackSettings.DEFAULT, JournalSettings.defaults().withSnapshotEveryRecords(50),
                List.of(new VfsRuntime.MountSpec(MountSettings.defaults("m"), store)));
    }

    @Test
    void aSnapshotCompactsTheJournalAndARestartFromItKeepsHandles() throws Exception {
        try (ObjectStore store = LocalDirectoryStore.create(tmp.resolve("bucket"))) {
            List<FileHandle> handles = new ArrayList<>();
            List<String> names = new ArrayList<>();
            VfsRuntime rt = open(store);
            try {
                Vfs vfs = rt.mount("m");
                FileHandle dir = vfs.mkdir(Caller.ROOT, vfs.root(), "d", SetAttr.NONE).handle();
                for (int i = 0; i < 120; i++) {
                    names.add("f" + i);
                    handles.add(vfs.create(Caller.ROOT, dir, "f" + i, CreateMode.GUARDED, SetAttr.mode(0600), 0)
                            .handle());
                }
                vfs.remove(Caller.ROOT, dir, "f7");
                BucketVfs b = (BucketVfs) vfs;
                assertTrue(b.log().journal().needsSnapshot());
                b.snapshotIfDue();
                assertTrue(b.log().journal().snapshotLsn() > 0, "a snapshot was taken");
                vfs.rename(Caller.ROOT, dir, "f8", dir, "renamed"); // a record after the snapshot
                rt.sync(60, TimeUnit.SECONDS);
            } finally {
                rt.close();
            }
            try (Stream<Path> files = Files.list(tmp.resolve("state/journal/m"))) {
                assertTrue(files.anyMatch(p -> p.getFileName().toString().startsWith("snapshot-")));
            }
            rt = open(store);
            try {
                Vfs vfs = rt.mount("m");
                FileHandle dir = vfs.lookup(Caller.ROOT, vfs.root(), "d").handle();
                assertEquals(handles.get(0), vfs.lookup(Caller.ROOT, dir, "f0").handle());
                assertEquals(handles.get(8), vfs.lookup(Caller.ROOT, dir, "renamed").handle());
                assertEquals(0600, vfs.getattr(Caller.ROOT, handles.get(119)).mode());
                VfsContractTest.assertStatus(io.bucketfs.vfs.VfsStatus.STALE,
                        () -> vfs.getattr(Caller.ROOT, handles.get(7)));
                FileHandle fresh = vfs.create(Caller.ROOT, dir, "new", CreateMode.GUARDED, SetAttr.NONE, 0).handle();
                assertTrue(handles.stream().noneMatch(h -> h.fileId() == fresh.fileId()), "ids are never reused");
            } finally {
                rt.close();
            }
        }
    }
}
