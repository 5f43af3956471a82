package io.bucketfs.cache.write;

import io.bucketfs.backends.ObjectInfo;
import io.bucketfs.backends.ObjectStore;
import io.bucketfs.backends.Payload;
import io.bucketfs.backends.PutOptions;
import io.bucketfs.backends.local.LocalDirectoryStore;
import java.nio.ByteBuffer;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collections;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;
import java.util.Random;

/**
 * The process {@link WriteBackCrashTest} kills: opens a write-back (recovering what the previous child left),
 * prints {@code READY}, then writes files forever, printing {@code ACK <key> <sha256>} after each commit future
 * completed. Files are new (some large enough for multipart, some written out of order) or patches of an object
 * put directly (so uploads fill unwritten ranges from the base). Uploads are slowed down a little so that kills
 * find them in flight.
 *
 * <p>Arguments: staging directory, bucket directory (local store), seed.
 */
public final class CrashChild {

    static final String STORE = "crash";
    private static final int MIB = 1 << 20;

    private CrashChild() {
    }

    public static void main(String[] args) throws Exception {
        Path staging = Path.of(args[0]);
        FaultyStore store = new FaultyStore(LocalDirectoryStore.create(Path.of(args[1])));
        store.delayMillis = 30; // keeps uploads in flight when the kill comes
        long seed = Long.parseLong(args[2]);
        WriteBackSettings settings = WriteBackSettings.DEFAULT.withPartSize(5 * MIB)
                .withRetryBackoff(Duration.ofMillis(50), Duration.ofMillis(500));
        WriteBack wb = WriteBack.open(staging, settings, id -> store, new StoreBaseSource(store),
                UploadListener.NONE);
        System.out.println("READY");
        System.out.flush();
        Random rnd = new Random(seed);
        for (int i = 0; ; i++) {
            String key = "c" + seed + "/f" + i;
            byte[] content = rnd.nextInt(5) == 0 ? patchExisting(wb, store, key, rnd) : writeNew(wb, key, rnd);
            System.out.println("ACK " + key + " " + sha256(content));
            System.out.flush();
        }
    }

    private static byte[] writeNew(WriteBack wb, String key, Random rnd) throws Exception {
        int kind = rnd.nextInt(10);
        int size = kind == 0 ? 0 : kind < 8 ? rnd.nextInt(300_000) : 5 * MIB + rnd.nextInt(8 * MIB);
        byte[] data = new byte[size];
        rnd.nextBytes(data);
        int chunk = 64 * 1024 << rnd.nextInt(5);
        List<Integer> offsets = new ArrayList<>();
        for (int off = 0; off < size; off += chunk) {
            offsets.add(off);
        }
        if (rnd.nextInt(3) == 0) {
            Collections.shuffle(offsets, rnd);
        }
        try (StagedFile f = wb.stage(STORE, key, Base.NONE, WriteCondition.CREATE_ONLY)) {
            f.setMetadata(Map.of("mode", "100644"), null);
            for (int off : offsets) {
                f.write(off, ByteBuffer.wrap(data, off, Math.min(chunk, size - off)));
            }
            f.commit(rnd.nextInt(4) == 0 ? Durability.OBJECT_STORE : Durability.LOCAL).get();
        }
        return data;
    }

    private static byte[] patchExisting(WriteBack wb, ObjectStore store, String key, Random rnd) throws Exception {
        byte[] data = new byte[50_000 + rnd.nextInt(200_000)];
        rnd.nextBytes(data);
        ObjectInfo v1 = store.put(key, Payload.ofBytes(data), PutOptions.NONE);
        try (StagedFile f = wb.stage(STORE, key, Base.of(v1.etag(), v1.size()), WriteCondition.ifMatch(v1.etag()))) {
            for (int p = 0; p < 3; p++) {
                byte[] patch = new byte[1 + rnd.nextInt(5000)];
                rnd.nextBytes(patch);
                int off = rnd.nextInt(data.length - patch.length);
                System.arraycopy(patch, 0, data, off, patch.length);
                f.write(off, ByteBuffer.wrap(patch));
            }
            f.commit(Durability.LOCAL).get();
        }
        return data;
    }

    static String sha256(byte[] b) throws Exception {
        return HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256").digest(b));
    }
}
