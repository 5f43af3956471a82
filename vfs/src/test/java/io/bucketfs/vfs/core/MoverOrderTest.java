package io.bucketfs.vfs.core;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.bucketfs.backends.GetOptions;
import io.bucketfs.backends.ListRequest;
import io.bucketfs.backends.ObjectContent;
import io.bucketfs.backends.ObjectSummary;
import io.bucketfs.backends.Payload;
import io.bucketfs.backends.PutOptions;
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
import io.bucketfs.vfs.journal.JournalSettings;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.List;
import java.util.Set;
import java.util.TreeSet;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/** The mover's order: bucket work that waits for a file being written does not hold up unrelated work. */
@Timeout(value = 120, unit = TimeUnit.SECONDS)
class MoverOrderTest {

    @TempDir
    Path tmp;

    private static NsRecord.KeyOp op(long id, NsRecord.KeyOp.Kind kind, String source, String target, long inode) {
        return new NsRecord.KeyOp(id, kind, source, target, null, inode);
    }

    @Test
    void workDependsOnOlderWorkOfTheSameFileOrOfNestedKeys() {
        NsRecord.KeyOp waiting = op(1, NsRecord.KeyOp.Kind.MOVE, "d/a", "d/a2", 7);
        List<NsRecord.KeyOp> older = List.of(waiting);
        assertTrue(Mover.dependsOn(op(2, NsRecord.KeyOp.Kind.DELETE, "d/a", null, 7), older), "same file");
        assertTrue(Mover.dependsOn(op(3, NsRecord.KeyOp.Kind.MOVE, "x", "d/a2", 8), older), "same key");
        assertTrue(Mover.dependsOn(op(4, NsRecord.KeyOp.Kind.MOVE_PREFIX, "d/", "e/", 9), older), "a key above");
        assertTrue(Mover.dependsOn(op(5, NsRecord.KeyOp.Kind.DELETE, "d/a2/", null, 10), older), "a key below");
        assertFalse(Mover.dependsOn(op(6, NsRecord.KeyOp.Kind.MOVE, "d/b", "d/b2", 11), older), "unrelated");
        assertFalse(Mover.dependsOn(op(7, NsRecord.KeyOp.Kind.MARKER, null, "f/", 12), older), "unrelated");
    }

    @Test
    void aRenameWaitingForAnUploadDoesNotHoldUpAnotherRename() throws Exception {
        CopyHookStore store = new CopyHookStore(LocalDirectoryStore.create(tmp.resolve("bucket")));
        store.put("clean.txt", Payload.ofBytes("clean\n".getBytes(StandardCharsets.UTF_8)), PutOptions.NONE);
        try (VfsRuntime rt = VfsRuntime.open(tmp.resolve("state"), tmp.resolve("cache"), CacheSettings.DEFAULT,
                WriteBackSettings.DEFAULT, JournalSettings.defaults(),
                List.of(new VfsRuntime.MountSpec(MountSettings.defaults("m"), store)))) {
            Vfs v = rt.mount("m");
            store.failWrites = true; // the written file's upload cannot finish: its rename's bucket work waits
            Entry busy = v.create(Caller.ROOT, v.root(), "busy.txt", CreateMode.GUARDED, SetAttr.NONE, 0);
            v.write(Caller.ROOT, busy.handle(), 0, ByteBuffer.wrap("busy\n".getBytes(StandardCharsets.UTF_8)),
                    Stability.FILE_SYNC);
            v.rename(Caller.ROOT, v.root(), "busy.txt", v.root(), "busy2.txt");
            v.lookup(Caller.ROOT, v.root(), "clean.txt");
            v.rename(Caller.ROOT, v.root(), "clean.txt", v.root(), "clean2.txt");

            long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(20);
            // the move is a copy then a delete: wait for both (the check once raced between them)
            while (!(keys(store).contains("clean2.txt") && !keys(store).contains("clean.txt"))
                    && System.nanoTime() < deadline) {
                Thread.sleep(20);
            }
            assertTrue(keys(store).contains("clean2.txt") && !keys(store).contains("clean.txt"),
                    "the clean file moved in the bucket while the other waited: " + keys(store));

            store.failWrites = false;
            rt.sync(60, TimeUnit.SECONDS);
            assertEquals(Set.of("busy2.txt", "clean2.txt"), keys(store));
            try (ObjectContent c = store.get("busy2.txt", GetOptions.NONE)) {
                assertEquals("busy\n", new String(c.readAllBytes(), StandardCharsets.UTF_8));
            }
        } finally {
            store.close();
        }
    }

    private static Set<String> keys(CopyHookStore store) throws Exception {
        Set<String> out = new TreeSet<>();
        for (ObjectSummary s : store.list(ListRequest.flat("")).objects()) {
            out.add(s.key());
        }
        return out;
    }
}
