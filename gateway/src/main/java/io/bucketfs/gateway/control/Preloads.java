package io.bucketfs.gateway.control;

import io.bucketfs.gateway.Gateway;
import io.bucketfs.gateway.state.FieldException;
import io.bucketfs.vfs.Caller;
import io.bucketfs.vfs.DirEntry;
import io.bucketfs.vfs.DirPage;
import io.bucketfs.vfs.Entry;
import io.bucketfs.vfs.FileHandle;
import io.bucketfs.vfs.FileType;
import io.bucketfs.vfs.ReadResult;
import io.bucketfs.vfs.Vfs;
import io.bucketfs.vfs.VfsException;
import java.nio.ByteBuffer;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Deque;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.atomic.AtomicLong;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * {@code bucketfs preload}: warms the chunk cache by reading files through the mount's VFS (the same path as a
 * client read, so every chunk lands in the cache and read-ahead applies). A job is started by
 * {@code POST /v1/preload} (the paths are checked first: a missing one is refused with nothing started) and runs in
 * the background: first it lists what it will read (so the total is known), then reads file after file;
 * {@code GET /v1/preload/ID} reports its progress. Jobs run one at a time, in order; the newest
 * {@value #KEPT} are remembered.
 */
public final class Preloads {

    private static final Logger LOG = LoggerFactory.getLogger(Preloads.class);
    /** How many finished jobs are remembered for {@code GET /v1/preload/ID}. */
    static final int KEPT = 32;
    /** The size of each read. */
    static final int READ_BYTES = 1 << 20;
    private static final int PAGE = 512;

    private final Gateway gateway;
    private final AtomicLong ids = new AtomicLong();
    private final Map<Long, Job> jobs = new ConcurrentHashMap<>();
    private final ExecutorService runner = Executors.newSingleThreadExecutor(r -> {
        Thread t = new Thread(r, "bucketfs-preload");
        t.setDaemon(true);
        return t;
    });

    Preloads(Gateway gateway) {
        this.gateway = gateway;
    }

    /** Checks the mount and the paths, then starts the job; returns its first progress report. */
    Map<String, Object> start(Requests.Preload r) {
        if (r.mount() == null || r.mount().isEmpty()) {
            throw FieldException.invalid("mount", "required");
        }
        Vfs vfs = gateway.vfs().mount(r.mount());
        if (vfs == null) {
            throw new FieldException(FieldException.Kind.NOT_FOUND, "mount", "no mount '" + r.mount() + "'");
        }
        List<String> paths = r.paths() == null || r.paths().isEmpty() ? List.of("/") : r.paths();
        List<Entry> roots = new ArrayList<>();
        for (String p : paths) {
            roots.add(resolve(vfs, p));
        }
        Job job = new Job(ids.incrementAndGet(), r.mount(), paths);
        jobs.put(job.id, job);
        jobs.keySet().removeIf(id -> id <= job.id - KEPT);
        runner.execute(() -> job.run(vfs, roots));
        return job.report();
    }

    Map<String, Object> get(String id) {
        Job j;
        try {
            j = jobs.get(Long.parseLong(id));
        } catch (NumberFormatException e) {
            j = null;
        }
        if (j == null) {
            throw new FieldException(FieldException.Kind.NOT_FOUND, "id", "no preload job '" + id + "'");
        }
        return j.report();
    }

    void close() {
        runner.shutdownNow();
    }

    private static Entry resolve(Vfs vfs, String path) {
        FileHandle h = vfs.root();
        Entry e;
        try {
            e = new Entry(h, vfs.getattr(Caller.ROOT, h));
            for (String part : path.split("/")) {
                if (part.isEmpty() || part.equals(".")) {
                    continue;
                }
                if (part.equals("..")) {
                    throw FieldException.invalid("paths", "'" + path + "': '..' is not allowed");
                }
                e = vfs.lookup(Caller.ROOT, e.handle(), part);
            }
        } catch (VfsException x) {
            throw new FieldException(FieldException.Kind.NOT_FOUND, "paths", "'" + path + "': " + x.status()
                    .name().toLowerCase(java.util.Locale.ROOT).replace('_', ' '));
        }
        return e;
    }

    /** One preload; its counters are read by {@link #report()} while it runs. */
    private static final class Job {
        final long id;
        final String mount;
        final List<String> paths;
        final long started = System.nanoTime();
        volatile String state = "scanning";
        volatile String error;
        volatile long finished;
        final AtomicLong totalBytes = new AtomicLong();
        final AtomicLong totalFiles = new AtomicLong();
        final AtomicLong doneBytes = new AtomicLong();
        final AtomicLong doneFiles = new AtomicLong();

        Job(long id, String mount, List<String> paths) {
            this.id = id;
            this.mount = mount;
            this.paths = List.copyOf(paths);
        }

        void run(Vfs vfs, List<Entry> roots) {
            try {
                List<Entry> files = scan(vfs, roots);
                state = "reading";
                ByteBuffer buf = ByteBuffer.allocate(READ_BYTES);
                for (Entry f : files) {
                    long off = 0;
                    while (true) {
                        buf.clear();
                        ReadResult r = vfs.read(Caller.ROOT, f.handle(), off, buf);
                        off += r.count();
                        doneBytes.addAndGet(r.count());
                        if (r.eof() || r.count() == 0) {
                            break;
                        }
                    }
                    doneFiles.incrementAndGet();
                }
                state = "done";
                LOG.info("preload {} of mount {}: {} files, {} bytes in {} ms", id, mount, doneFiles.get(),
                        doneBytes.get(), (System.nanoTime() - started) / 1_000_000);
            } catch (VfsException | RuntimeException e) {
                error = e.getMessage();
                state = "failed";
                LOG.warn("preload {} of mount {} failed: {}", id, mount, e.toString());
            } finally {
                finished = System.nanoTime();
            }
        }

        /** Every regular file under the roots (directories walked breadth-first; symlinks are not followed). */
        private List<Entry> scan(Vfs vfs, List<Entry> roots) throws VfsException {
            List<Entry> files = new ArrayList<>();
            Deque<FileHandle> dirs = new ArrayDeque<>();
            for (Entry e : roots) {
                if (e.attr().type() == FileType.DIRECTORY) {
                    dirs.add(e.handle());
                } else if (e.attr().type() == FileType.REGULAR) {
                    add(files, e);
                }
            }
            while (!dirs.isEmpty()) {
                FileHandle d = dirs.poll();
                long cookie = 0;
                long verifier = 0;
                while (true) {
                    DirPage page = vfs.readdir(Caller.ROOT, d, cookie, verifier, PAGE);
                    for (DirEntry de : page.entries()) {
                        if (de.attr().type() == FileType.DIRECTORY) {
                            dirs.add(de.handle());
                        } else if (de.attr().type() == FileType.REGULAR) {
                            add(files, new Entry(de.handle(), de.attr()));
                        }
                        cookie = de.cookie();
                    }
                    verifier = page.verifier();
                    if (page.eof() || page.entries().isEmpty()) {
                        break;
                    }
                }
            }
            return files;
        }

        private void add(List<Entry> files, Entry e) {
            files.add(e);
            totalFiles.incrementAndGet();
            totalBytes.addAndGet(e.attr().size());
        }

        Map<String, Object> report() {
            long end = finished != 0 ? finished : System.nanoTime();
            Map<String, Object> m = new LinkedHashMap<>();
            m.put("id", id);
            m.put("mount", mount);
            m.put("paths", paths);
            m.put("state", state);
            m.put("files", totalFiles.get());
            m.put("files-done", doneFiles.get());
            m.put("bytes", totalBytes.get());
            m.put("bytes-done", doneBytes.get());
            m.put("millis", (end - started) / 1_000_000);
            if (error != null) {
                m.put("error", error);
            }
            return m;
        }
    }
}
