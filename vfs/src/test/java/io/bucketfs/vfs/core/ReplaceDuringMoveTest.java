package io.bucketfs.vfs.core;

import static org.junit.jupiter.api.Assertions.assertEquals;

import io.bucketfs.backends.GetOptions;
import io.bucketfs.backends.ObjectContent;
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
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/**
 * A file renamed over another whose bucket move into that key is still under way keeps its own bytes: the mover's
 * late copy of the replaced file must not land on the key after the new file's upload (found by the end-to-end crash
 * test, where the file then read back, after a restart, as the version it had replaced).
 */
@Timeout(value = 120, unit = TimeUnit.SECONDS)
class ReplaceDuringMoveTest {

    @TempDir
    Path tmp;

    @Test
    void theReplacedFilesLateCopyDoesNotOverwriteTheNewFile() throws Exception {
        CopyHookStore store = new CopyHookStore(LocalDirectoryStore.create(tmp.resolve("bucket")));
        store.put("old.txt", Payload.ofBytes(bytes("old\n")), PutOptions.NONE);
        CountDownLatch copyHeld = new CountDownLatch(1);
        CountDownLatch releaseCopy = new CountDownLatch(1);
        store.beforeCopy = (source, target) -> {
            if (source.equals("old.txt")) {
                copyHeld.countDown();
                try {
                    releaseCopy.await(60, TimeUnit.SECONDS); // the move of old.txt's bytes is in flight
                } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                }
            }
        };
        try (VfsRuntime rt = VfsRuntime.open(tmp.resolve("state"), tmp.resolve("cache"), CacheSettings.DEFAULT,
                WriteBackSettings.DEFAULT, JournalSettings.defaults(),
                List.of(new VfsRuntime.MountSpec(MountSettings.defaults("m"), store)))) {
            Vfs v = rt.mount("m");
            v.lookup(Caller.ROOT, v.root(), "old.txt");
            v.rename(Caller.ROOT, v.root(), "old.txt", v.root(), "k.txt");
            copyHeld.await(20, TimeUnit.SECONDS);
            store.failWrites = true; // the new file stays staged until after its rename: it uploads to k.txt
            Entry t = v.create(Caller.ROOT, v.root(), "t.txt", CreateMode.GUARDED, SetAttr.NONE, 0);
            v.write(Caller.ROOT, t.handle(), 0, ByteBuffer.wrap(bytes("new\n")), Stability.FILE_SYNC);
            CompletableFuture<Void> replace = CompletableFuture.runAsync(() -> {
                try {
                    v.rename(Caller.ROOT, v.root(), "t.txt", v.root(), "k.txt");
                } catch (Exception e) {
                    throw new RuntimeException(e);
                }
            });
            try {
                replace.get(2, TimeUnit.SECONDS);
                // the replace did not wait for the move: let the new file's upload reach k.txt first
                store.failWrites = false;
                long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(30);
                while (!"new\n".equals(object(store, "k.txt")) && System.nanoTime() < deadline) {
                    Thread.sleep(20);
                }
            } catch (java.util.concurrent.TimeoutException waiting) {
                // the replace waits for the move of the file it replaces, as it must
            }
            releaseCopy.countDown();
            replace.get(30, TimeUnit.SECONDS);
            store.failWrites = false;
            rt.sync(60, TimeUnit.SECONDS);
            assertEquals("new\n", object(store, "k.txt"), "the object of k.txt");
            Entry k = v.lookup(Caller.ROOT, v.root(), "k.txt");
            ByteBuffer got = ByteBuffer.allocate(16);
            v.read(Caller.ROOT, k.handle(), 0, got);
            assertEquals("new\n", new String(got.array(), 0, got.position(), StandardCharsets.UTF_8), "k.txt read");
        } finally {
            releaseCopy.countDown();
            store.close();
        }
    }

    private static byte[] bytes(String s) {
        return s.getBytes(StandardCharsets.UTF_8);
    }

    private static String object(CopyHookStore store, String key) {
        try (ObjectContent c = store.get(key, GetOptions.NONE)) {
            return new String(c.readAllBytes(), StandardCharsets.UTF_8);
        } catch (Exception e) {
            return null;
        }
    }
}
