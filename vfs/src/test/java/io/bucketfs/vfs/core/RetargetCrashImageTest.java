package io.bucketfs.vfs.core;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.bucketfs.backends.GetOptions;
import io.bucketfs.backends.ListRequest;
import io.bucketfs.backends.ObjectContent;
import io.bucketfs.backends.ObjectStore;
import io.bucketfs.backends.ObjectSummary;
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
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/**
 * A crash the moment an upload lands at a key its file has left: the state, staging and bucket directories are
 * copied from inside the store's PUT (what a SIGKILL right then leaves on disk), and a runtime opened over the copy
 * must end, after sync, with the file's bytes under its name and nothing under the names it left.
 *
 * <p>The case: a file being written is in a directory that moves (its bytes wait at the pre-move key for the
 * directory's move, and the stager uploads to the moved path); the file is renamed while that upload is in flight.
 * The upload still lands at the moved path — a key no op names. Unless the delete of that key is in the journal
 * before the stager's manifest names the new key, the crash leaves an object there that comes back as a file.
 */
class RetargetCrashImageTest {

    private static final Caller ROOT = Caller.ROOT;

    @TempDir
    Path tmp;

    @Test
    @Timeout(value = 60, unit = TimeUnit.SECONDS)
    void anUploadLandingAtAKeyTheFileLeftDoesNotSurviveACrashAsAFile() throws Exception {
        Path live = tmp.resolve("live");
        Path image = tmp.resolve("image");
        CountDownLatch uploading = new CountDownLatch(1);
        CountDownLatch renamed = new CountDownLatch(1);
        CountDownLatch imaged = new CountDownLatch(1);
        try (ObjectStore bucket = LocalDirectoryStore.create(Files.createDirectories(live.resolve("bucket")))) {
            CopyHookStore hooked = new CopyHookStore(bucket);
            hooked.beforeCopy = (s, t) -> {
                throw new io.bucketfs.backends.ObjectStoreException(
                        io.bucketfs.backends.ObjectStoreException.Kind.TRANSIENT, "moves held back (test)");
            };
            hooked.beforePut = (k, k2) -> {
                if (k.equals("e/f")) {
                    uploading.countDown();
                    await(renamed); // in flight while the file is renamed
                }
            };
            hooked.afterPut = (k, k2) -> {
                if (k.equals("e/f") && imaged.getCount() > 0) {
                    copyTree(live, image); // the SIGKILL: what is on disk right after the upload landed
                    imaged.countDown();
                }
            };
            VfsRuntime rt = open(live, hooked);
            try {
                Vfs vfs = rt.mount("m1");
                FileHandle d = vfs.mkdir(ROOT, vfs.root(), "d", SetAttr.NONE).handle();
                FileHandle f = vfs.create(ROOT, d, "f", CreateMode.GUARDED, SetAttr.NONE, 0).handle();
                vfs.write(ROOT, f, 0, ByteBuffer.wrap("content".getBytes(StandardCharsets.UTF_8)),
                        Stability.UNSTABLE);
                vfs.rename(ROOT, vfs.root(), "d", vfs.root(), "e"); // staged: its uploads go to e/f from now on
                vfs.commit(ROOT, f); // LOCAL: the upload to e/f starts and waits in the store
                assertTrue(uploading.await(30, TimeUnit.SECONDS), "the upload to e/f began");
                vfs.rename(ROOT, d, "f", d, "g");
                renamed.countDown();
                assertTrue(imaged.await(30, TimeUnit.SECONDS), "the upload to e/f landed");
            } finally {
                hooked.beforeCopy = null;
                rt.close();
            }
        }
        try (ObjectStore bucket = LocalDirectoryStore.create(image.resolve("bucket"))) {
            VfsRuntime rt = open(image, bucket);
            try {
                rt.sync(30, TimeUnit.SECONDS);
                Map<String, String> files = objects(bucket);
                files.keySet().removeIf(k -> k.endsWith("/"));
                assertEquals(Map.of("e/g", "content"), files, "the objects after the crash and a sync");
                Vfs vfs = rt.mount("m1");
                FileHandle e = vfs.lookup(ROOT, vfs.root(), "e").handle();
                assertEquals(List.of("g"), VfsCrashChild.list(vfs, e).stream().map(x -> x.name()).toList());
            } finally {
                rt.close();
            }
        }
    }

    private static VfsRuntime open(Path dir, ObjectStore store) throws IOException {
        MountSettings settings = MountSettings.defaults("m1").withDurability(MountSettings.Durability.LOCAL)
                .withTtls(Duration.ZERO, Duration.ZERO);
        return VfsRuntime.open(dir.resolve("state"), dir.resolve("cache"),
                CacheSettings.DEFAULT.withChunkSize(64 * 1024).withCapacityBytes(16L << 20),
                WriteBackSettings.DEFAULT.withPartSize(5L << 20)
                        .withRetryBackoff(Duration.ofMillis(20), Duration.ofMillis(200)),
                JournalSettings.defaults(), List.of(new VfsRuntime.MountSpec(settings, store)));
    }

    private static Map<String, String> objects(ObjectStore store) throws Exception {
        Map<String, String> out = new TreeMap<>();
        for (ObjectSummary s : store.list(ListRequest.flat("")).objects()) {
            try (ObjectContent c = store.get(s.key(), GetOptions.NONE)) {
                out.put(s.key(), new String(c.readAllBytes(), StandardCharsets.UTF_8));
            }
        }
        return out;
    }

    private static void await(CountDownLatch l) {
        try {
            if (!l.await(30, TimeUnit.SECONDS)) {
                throw new IllegalStateException("timed out");
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException(e);
        }
    }

    private static void copyTree(Path from, Path to) {
        try (Stream<Path> all = Files.walk(from)) {
            for (Path p : (Iterable<Path>) all::iterator) {
                Path t = to.resolve(from.relativize(p).toString());
                if (Files.isDirectory(p)) {
                    Files.createDirectories(t);
                } else {
                    try {
                        Files.copy(p, t);
                    } catch (java.nio.file.NoSuchFileException gone) {
                        // removed while walking: the image lacks it, as a crash then would; the rest is copied
                    }
                }
            }
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }
}
