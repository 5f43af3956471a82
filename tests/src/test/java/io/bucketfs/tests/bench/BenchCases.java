package io.bucketfs.tests.bench;

import static io.bucketfs.tests.bench.VfsBench.formatRuns;
import static io.bucketfs.tests.bench.VfsBench.median;

import io.bucketfs.backends.BackendSettings;
import io.bucketfs.backends.GetOptions;
import io.bucketfs.backends.ObjectContent;
import io.bucketfs.backends.ObjectStore;
import io.bucketfs.backends.Payload;
import io.bucketfs.backends.PutOptions;
import io.bucketfs.backends.local.LocalDirectoryStore;
import io.bucketfs.backends.s3.S3ObjectStore;
import io.bucketfs.backends.s3.S3ProxyServer;
import io.bucketfs.cache.CacheSettings;
import io.bucketfs.cache.CacheStats;
import io.bucketfs.cache.write.WriteBackSettings;
import io.bucketfs.vfs.Caller;
import io.bucketfs.vfs.CreateMode;
import io.bucketfs.vfs.Entry;
import io.bucketfs.vfs.FileHandle;
import io.bucketfs.vfs.MountSettings;
import io.bucketfs.vfs.ReadResult;
import io.bucketfs.vfs.SetAttr;
import io.bucketfs.vfs.Stability;
import io.bucketfs.vfs.Vfs;
import io.bucketfs.vfs.core.VfsRuntime;
import io.bucketfs.vfs.journal.JournalSettings;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.SplittableRandom;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.Consumer;
import java.util.stream.Collectors;
import java.util.stream.Stream;

/** The three measurements of {@link VfsBench}; each returns its medians as a {@link VfsBench.Result}. */
final class BenchCases {

    static final Caller ROOT = Caller.ROOT;
    static final String MOUNT = "bench";
    static final int GET_THREADS = 16;
    private static final double MIB = 1024.0 * 1024.0;

    private final VfsBench.Config config;
    private final Consumer<String> log;
    /** The cache's counters after the last cold VFS read. */
    private CacheStats lastColdStats;

    BenchCases(VfsBench.Config config, Consumer<String> log) {
        this.config = config;
        this.log = log;
    }

    // ------------------------------------------------------------------ 1. warm read

    /**
     * {@code Vfs.read} of a fully cached file vs {@code FileChannel} reads of the same bytes from the chunk files
     * themselves (one open per file, the same buffer); also, for context, a plain file of the same size in the
     * cache directory.
     */
    VfsBench.Result warmRead() throws Exception {
        Path dir = Files.createDirectories(config.workDir().resolve("warm"));
        long size = (long) config.warmMiB() << 20;
        Path src = randomFile(dir.resolve("source.bin"), size);
        try (ObjectStore store = LocalDirectoryStore.create(dir.resolve("bucket"))) {
            store.put("warm.bin", Payload.ofFile(src), PutOptions.NONE);
            Files.delete(src);
            try (VfsRuntime rt = open(dir, store, MountSettings.defaults(MOUNT))) {
                Vfs vfs = rt.mount(MOUNT);
                FileHandle h = vfs.lookup(ROOT, vfs.root(), "warm.bin").handle();
                ByteBuffer buf = ByteBuffer.allocate(config.readKiB() << 10);
                readVfs(vfs, h, size, buf); // warm-up: fetches every chunk into the cache
                List<ChunkData> chunks = chunkData(rt.cache().chunksDirectory(), size);
                Path plain = randomFile(dir.resolve("cache").resolve("plain.bin"), size);
                readChunks(chunks, buf);
                readChannel(plain, size, buf);
                CacheStats before = rt.cache().stats();
                List<Double> v = new ArrayList<>();
                List<Double> p = new ArrayList<>();
                List<Double> q = new ArrayList<>();
                for (int run = 0; run < config.runs(); run++) {
                    v.add(mibPerSec(size, timed(() -> readVfs(vfs, h, size, buf))));
                    p.add(mibPerSec(size, timed(() -> readChunks(chunks, buf))));
                    q.add(mibPerSec(size, timed(() -> readChannel(plain, size, buf))));
                }
                CacheStats after = rt.cache().stats();
                if (after.bytesFromBackend() != before.bytesFromBackend()) {
                    throw new IllegalStateException("warm read fetched from the bucket: " + before + " -> " + after);
                }
                log.accept(String.format(Locale.ROOT, "warm-read    runs MiB/s: vfs [%s] filechannel on the chunk "
                        + "files [%s]; for context, filechannel on a plain %d MiB file in the cache directory [%s] "
                        + "median %.1f, vfs/plain %.2f", formatRuns(v), formatRuns(p), config.warmMiB(),
                        formatRuns(q), median(q), median(v) / median(q)));
                String detail = String.format(Locale.ROOT, "local store, %d MiB file in %d cached chunks, %d KiB "
                        + "reads; peer reads the same bytes from the chunk files; %d hits, 0 misses while timed",
                        config.warmMiB(), chunks.size(), config.readKiB(), after.hits() - before.hits());
                return new VfsBench.Result("warm-read", "vfs", median(v), "filechannel", median(p), "MiB/s", detail);
            }
        } finally {
            VfsBench.deleteRecursively(dir);
        }
    }

    /** Where a chunk's data lies in its file. */
    record ChunkData(Path file, long offset, long length) { }

    /**
     * The data ranges of the chunk files of one cached object of {@code size} bytes. A chunk file is a header and
     * the chunk's bytes; the headers of one object's chunks all have the same length, so that length is the
     * files' total minus {@code size}, divided by their number.
     */
    private static List<ChunkData> chunkData(Path chunksDir, long size) throws IOException {
        List<Path> files;
        try (Stream<Path> s = Files.walk(chunksDir)) {
            files = s.filter(Files::isRegularFile).sorted().collect(Collectors.toList());
        }
        long total = 0;
        for (Path f : files) {
            total += Files.size(f);
        }
        long header = files.isEmpty() ? 0 : (total - size) / files.size();
        if (files.isEmpty() || header * files.size() != total - size) {
            throw new IllegalStateException("unexpected chunk files for " + size + " bytes: " + files);
        }
        List<ChunkData> out = new ArrayList<>();
        for (Path f : files) {
            out.add(new ChunkData(f, header, Files.size(f) - header));
        }
        return out;
    }

    private static void readChunks(List<ChunkData> chunks, ByteBuffer buf) throws IOException {
        for (ChunkData c : chunks) {
            try (FileChannel ch = FileChannel.open(c.file(), StandardOpenOption.READ)) {
                long end = c.offset() + c.length();
                for (long off = c.offset(); off < end; ) {
                    buf.clear().limit((int) Math.min(buf.capacity(), end - off));
                    int n = ch.read(buf, off);
                    if (n < 0) {
                        throw new IOException(c.file() + " ended at " + off);
                    }
                    off += n;
                }
            }
        }
    }

    private static void readVfs(Vfs vfs, FileHandle h, long size, ByteBuffer buf) throws Exception {
        long off = 0;
        while (off < size) {
            buf.clear();
            ReadResult r = vfs.read(ROOT, h, off, buf);
            if (r.count() == 0) {
                throw new IOException("VFS read ended at " + off + " of " + size);
            }
            off += r.count();
        }
    }

    private static void readChannel(Path file, long size, ByteBuffer buf) throws IOException {
        try (FileChannel ch = FileChannel.open(file, StandardOpenOption.READ)) {
            long off = 0;
            while (off < size) {
                buf.clear();
                int n = ch.read(buf, off);
                if (n < 0) {
                    throw new IOException(file + " ended at " + off + " of " + size);
                }
                off += n;
            }
        }
    }

    // ------------------------------------------------------------------ 2. cold read

    /** A sequential {@code Vfs.read} with an empty cache vs 16 threads of ranged GETs, both from one S3Proxy. */
    VfsBench.Result coldRead() throws Exception {
        Path dir = Files.createDirectories(config.workDir().resolve("cold"));
        long size = (long) config.coldMiB() << 20;
        int range = CacheSettings.DEFAULT.chunkSize();
        try (S3ProxyServer server = S3ProxyServer.start();
             ObjectStore store = new S3ObjectStore(server.spec(server.createBucket()), BackendSettings.DEFAULT)) {
            Path src = randomFile(dir.resolve("source.bin"), size);
            store.put("cold.bin", Payload.ofFile(src), PutOptions.NONE);
            Files.delete(src);
            ByteBuffer buf = ByteBuffer.allocate(config.readKiB() << 10);
            ExecutorService pool = Executors.newFixedThreadPool(GET_THREADS);
            try {
                coldVfs(dir.resolve("warm-up"), store, size, buf); // warm-up (connections, JIT, S3Proxy's files)
                parallelGet(pool, store, "cold.bin", size, range);
                List<Double> v = new ArrayList<>();
                List<Double> p = new ArrayList<>();
                for (int run = 0; run < config.runs(); run++) {
                    Path runDir = dir.resolve("run-" + run);
                    v.add(mibPerSec(size, coldVfs(runDir, store, size, buf)));
                    p.add(mibPerSec(size, timed(() -> parallelGet(pool, store, "cold.bin", size, range))));
                }
                CacheStats s = lastColdStats;
                log.accept(String.format(Locale.ROOT, "cold-read    runs MiB/s: vfs [%s] s3-get-16way [%s]; last vfs "
                        + "run: %d misses, %d of them read ahead, read-ahead peak %d MiB in flight", formatRuns(v),
                        formatRuns(p), s.misses(), s.readAheadChunks(), s.readAheadPeakBytes() >> 20));
                String detail = String.format(Locale.ROOT, "S3Proxy in this JVM, %d MiB object, vfs: fresh runtime and "
                        + "empty cache per run, %d KiB sequential reads; peer: %d threads, %d MiB ranged GETs",
                        config.coldMiB(), config.readKiB(), GET_THREADS, range >> 20);
                return new VfsBench.Result("cold-read", "vfs", median(v), "s3-get-16way", median(p), "MiB/s", detail);
            } finally {
                pool.shutdownNow();
            }
        } finally {
            VfsBench.deleteRecursively(dir);
        }
    }

    /** One cold sequential read through a fresh runtime over an empty cache; returns the nanoseconds it took. */
    private long coldVfs(Path dir, ObjectStore store, long size, ByteBuffer buf) throws Exception {
        try {
            try (VfsRuntime rt = open(dir, store, MountSettings.defaults(MOUNT))) {
                Vfs vfs = rt.mount(MOUNT);
                long t0 = System.nanoTime();
                FileHandle h = vfs.lookup(ROOT, vfs.root(), "cold.bin").handle();
                readVfs(vfs, h, size, buf);
                long nanos = System.nanoTime() - t0;
                CacheStats s = rt.cache().stats();
                if (s.bytesFromBackend() < size) {
                    throw new IllegalStateException("cold read did not go to the bucket: " + s);
                }
                lastColdStats = s;
                return nanos;
            }
        } finally {
            VfsBench.deleteRecursively(dir);
        }
    }

    /** Every byte of {@code key} by ranged GETs of {@code range} bytes, {@link #GET_THREADS} at a time. */
    private static void parallelGet(ExecutorService pool, ObjectStore store, String key, long size, int range)
            throws Exception {
        AtomicLong next = new AtomicLong();
        AtomicLong total = new AtomicLong();
        List<Future<?>> workers = new ArrayList<>();
        for (int t = 0; t < GET_THREADS; t++) {
            workers.add(pool.submit(() -> {
                byte[] sink = new byte[64 << 10];
                for (long off = next.getAndAdd(range); off < size; off = next.getAndAdd(range)) {
                    long len = Math.min(range, size - off);
                    try (ObjectContent c = store.get(key, GetOptions.range(off, len));
                         InputStream in = c.stream()) {
                        for (int n = in.read(sink); n >= 0; n = in.read(sink)) {
                            total.addAndGet(n);
                        }
                    }
                }
                return null;
            }));
        }
        for (Future<?> w : workers) {
            w.get(30, TimeUnit.MINUTES);
        }
        if (total.get() != size) {
            throw new IOException("ranged GETs read " + total.get() + " of " + size + " bytes");
        }
    }

    // ------------------------------------------------------------------ 3. small files

    /** Create + write + commit of many small files through the VFS (local durability) vs plain files + force. */
    VfsBench.Result smallFiles() throws Exception {
        Path dir = Files.createDirectories(config.workDir().resolve("small"));
        byte[] data = new byte[config.fileKiB() << 10];
        new SplittableRandom(3).nextBytes(data);
        int n = config.files();
        try (ObjectStore store = LocalDirectoryStore.create(dir.resolve("bucket"));
             VfsRuntime rt = open(dir, store, MountSettings.defaults(MOUNT)
                     .withDurability(MountSettings.Durability.LOCAL))) {
            Vfs vfs = rt.mount(MOUNT);
            Path plain = Files.createDirectories(dir.resolve("cache").resolve("plain"));
            writeVfs(vfs, "warm-up", n, data); // warm-up
            rt.sync(30, TimeUnit.MINUTES);
            writePlain(plain.resolve("warm-up"), n, data);
            List<Double> v = new ArrayList<>();
            List<Double> p = new ArrayList<>();
            long syncNanos = 0;
            for (int run = 0; run < config.runs(); run++) {
                String name = "run-" + run;
                v.add(perSec(n, timed(() -> writeVfs(vfs, name, n, data))));
                // the uploads of this run finish before the next timing starts (not timed with the writes)
                long s0 = System.nanoTime();
                rt.sync(30, TimeUnit.MINUTES);
                syncNanos = System.nanoTime() - s0;
                p.add(perSec(n, timed(() -> writePlain(plain.resolve(name), n, data))));
            }
            log.accept("small-files  runs files/s: vfs [" + formatRuns(v) + "] plain-fsync [" + formatRuns(p) + "]");
            String detail = String.format(Locale.ROOT, "local store, %d files of %d KiB, one thread, vfs: create "
                    + "GUARDED + write UNSTABLE + commit (durability local); peer: FileChannel create + write + force on "
                    + "the cache disk; uploads of the last run finished %.1f s after its last commit", n,
                    config.fileKiB(), syncNanos / 1e9);
            return new VfsBench.Result("small-files", "vfs", median(v), "plain-fsync", median(p), "files/s", detail);
        } finally {
            VfsBench.deleteRecursively(dir);
        }
    }

    private static void writeVfs(Vfs vfs, String dirName, int n, byte[] data) throws Exception {
        FileHandle d = vfs.mkdir(ROOT, vfs.root(), dirName, SetAttr.mode(0755)).handle();
        for (int i = 0; i < n; i++) {
            Entry e = vfs.create(ROOT, d, "f" + i, CreateMode.GUARDED, SetAttr.mode(0644), 0);
            vfs.write(ROOT, e.handle(), 0, ByteBuffer.wrap(data), Stability.UNSTABLE);
            vfs.commit(ROOT, e.handle());
        }
    }

    private static void writePlain(Path dir, int n, byte[] data) throws IOException {
        Files.createDirectories(dir);
        for (int i = 0; i < n; i++) {
            try (FileChannel ch = FileChannel.open(dir.resolve("f" + i), StandardOpenOption.CREATE_NEW,
                    StandardOpenOption.WRITE)) {
                ByteBuffer b = ByteBuffer.wrap(data);
                while (b.hasRemaining()) {
                    ch.write(b);
                }
                ch.force(true);
            }
        }
    }

    // ------------------------------------------------------------------ helpers

    /** A runtime with the default cache, write-back and journal settings, state and cache under {@code dir}. */
    private static VfsRuntime open(Path dir, ObjectStore store, MountSettings mount) throws IOException {
        return VfsRuntime.open(dir.resolve("state"), dir.resolve("cache"), CacheSettings.DEFAULT,
                WriteBackSettings.DEFAULT, JournalSettings.defaults(), List.of(new VfsRuntime.MountSpec(mount, store)));
    }

    /** Something to time. */
    @FunctionalInterface
    interface Work {
        void run() throws Exception;
    }

    private static long timed(Work w) throws Exception {
        long t0 = System.nanoTime();
        w.run();
        return System.nanoTime() - t0;
    }

    private static double mibPerSec(long bytes, long nanos) {
        return bytes / MIB / (nanos / 1e9);
    }

    private static double perSec(long count, long nanos) {
        return count / (nanos / 1e9);
    }

    private static Path randomFile(Path file, long size) throws IOException {
        Files.createDirectories(file.getParent());
        SplittableRandom rnd = new SplittableRandom(size);
        byte[] block = new byte[1 << 20];
        try (OutputStream out = Files.newOutputStream(file)) {
            for (long left = size; left > 0; left -= block.length) {
                rnd.nextBytes(block);
                out.write(block, 0, (int) Math.min(block.length, left));
            }
        }
        return file;
    }
}
