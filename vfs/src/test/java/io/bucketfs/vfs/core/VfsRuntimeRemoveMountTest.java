package io.bucketfs.vfs.core;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.bucketfs.backends.GetOptions;
import io.bucketfs.backends.ObjectContent;
import io.bucketfs.backends.ObjectStore;
import io.bucketfs.backends.local.LocalDirectoryStore;
import io.bucketfs.cache.CacheSettings;
import io.bucketfs.cache.write.WriteBackSettings;
import io.bucketfs.vfs.Caller;
import io.bucketfs.vfs.CreateMode;
import io.bucketfs.vfs.Entry;
import io.bucketfs.vfs.MountSettings;
import io.bucketfs.vfs.SetAttr;
import io.bucketfs.vfs.Stability;
import io.bucketfs.vfs.Vfs;
import io.bucketfs.vfs.VfsStatus;
import io.bucketfs.vfs.journal.JournalSettings;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/** Removing a mount from a running runtime: its writes reach its bucket first, the other mounts go on. */
@Timeout(value = 120, unit = TimeUnit.SECONDS)
class VfsRuntimeRemoveMountTest {

    @TempDir
    Path tmp;

    @Test
    void aRemovedMountFlushedItsWritesAndDroppedItsJournalAndTheOthersGoOn() throws Exception {
        byte[] content = "unstable write, staged only\n".getBytes(StandardCharsets.UTF_8);
        try (ObjectStore a = LocalDirectoryStore.create(tmp.resolve("a"));
             ObjectStore b = LocalDirectoryStore.create(tmp.resolve("b"));
             VfsRuntime rt = VfsRuntime.open(tmp.resolve("state"), tmp.resolve("cache"), CacheSettings.DEFAULT,
                     WriteBackSettings.DEFAULT, JournalSettings.defaults(),
                     List.of(new VfsRuntime.MountSpec(MountSettings.defaults("a"), a)))) {
            Vfs vb = rt.addMount(new VfsRuntime.MountSpec(MountSettings.defaults("b"), b));
            Entry f = vb.create(Caller.ROOT, vb.root(), "f.txt", CreateMode.GUARDED, SetAttr.NONE, 0);
            vb.write(Caller.ROOT, f.handle(), 0, ByteBuffer.wrap(content), Stability.UNSTABLE);
            assertTrue(Files.isDirectory(tmp.resolve("state/journal/b")));

            rt.removeMount("b", 60, TimeUnit.SECONDS);
            assertNull(rt.mount("b"));
            assertEquals(List.of("a"), List.copyOf(rt.mounts().keySet()));
            assertFalse(Files.exists(tmp.resolve("state/journal/b")), "its journal is gone");
            try (ObjectContent c = b.get("f.txt", GetOptions.NONE)) {
                assertEquals(new String(content, StandardCharsets.UTF_8),
                        new String(c.readAllBytes(), StandardCharsets.UTF_8), "the staged write reached the bucket");
            }
            VfsContractTest.assertStatus(VfsStatus.NOT_FOUND, () -> rt.removeMount("b", 1, TimeUnit.SECONDS));

            Vfs va = rt.mount("a");
            assertNotNull(va.create(Caller.ROOT, va.root(), "still.txt", CreateMode.GUARDED, SetAttr.NONE, 0));
            Vfs again = rt.addMount(new VfsRuntime.MountSpec(MountSettings.defaults("b"), b));
            assertEquals(content.length, again.lookup(Caller.ROOT, again.root(), "f.txt").attr().size(),
                    "a mount added again under the name starts afresh from the bucket");
        }
    }

    @Test
    void aMountWhoseBucketIsDownDoesNotHoldUpTheRemovalOfAnother() throws Exception {
        byte[] content = "staged\n".getBytes(StandardCharsets.UTF_8);
        CopyHookStore a = new CopyHookStore(LocalDirectoryStore.create(tmp.resolve("a")));
        try (ObjectStore b = LocalDirectoryStore.create(tmp.resolve("b"));
             VfsRuntime rt = VfsRuntime.open(tmp.resolve("state"), tmp.resolve("cache"), CacheSettings.DEFAULT,
                     WriteBackSettings.DEFAULT, JournalSettings.defaults(),
                     List.of(new VfsRuntime.MountSpec(MountSettings.defaults("a"), a),
                             new VfsRuntime.MountSpec(MountSettings.defaults("b"), b)))) {
            a.failWrites = true;
            Vfs va = rt.mount("a");
            Entry stuck = va.create(Caller.ROOT, va.root(), "stuck.txt", CreateMode.GUARDED, SetAttr.NONE, 0);
            va.write(Caller.ROOT, stuck.handle(), 0, ByteBuffer.wrap(content), Stability.FILE_SYNC);
            Vfs vb = rt.mount("b");
            Entry f = vb.create(Caller.ROOT, vb.root(), "f.txt", CreateMode.GUARDED, SetAttr.NONE, 0);
            vb.write(Caller.ROOT, f.handle(), 0, ByteBuffer.wrap(content), Stability.UNSTABLE);

            rt.removeMount("b", 20, TimeUnit.SECONDS); // a's upload cannot finish; b's can
            try (ObjectContent c = b.get("f.txt", GetOptions.NONE)) {
                assertEquals("staged\n", new String(c.readAllBytes(), StandardCharsets.UTF_8));
            }
            assertTrue(rt.writeBack().stats("a").dirtyBytes() > 0, "a's write is still staged, not lost");
            a.failWrites = false;
            rt.sync(60, TimeUnit.SECONDS);
            try (ObjectContent c = a.get("stuck.txt", GetOptions.NONE)) {
                assertEquals("staged\n", new String(c.readAllBytes(), StandardCharsets.UTF_8));
            }
        } finally {
            a.close();
        }
    }
}
