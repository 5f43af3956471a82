package io.bucketfs.vfs.core;

import io.bucketfs.backends.ObjectStore;
import io.bucketfs.backends.local.LocalDirectoryStore;
import io.bucketfs.cache.CacheSettings;
import io.bucketfs.cache.write.WriteBackSettings;
import io.bucketfs.vfs.Caller;
import io.bucketfs.vfs.CreateMode;
import io.bucketfs.vfs.DirEntry;
import io.bucketfs.vfs.DirPage;
import io.bucketfs.vfs.FileHandle;
import io.bucketfs.vfs.FileType;
import io.bucketfs.vfs.MountSettings;
import io.bucketfs.vfs.ReadResult;
import io.bucketfs.vfs.SetAttr;
import io.bucketfs.vfs.Stability;
import io.bucketfs.vfs.Vfs;
import io.bucketfs.vfs.VfsException;
import io.bucketfs.vfs.journal.JournalSettings;
import java.io.FileOutputStream;
import java.io.IOException;
import java.io.PrintStream;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Collections;
import java.util.HexFormat;
import java.util.List;
import java.util.Random;

/**
 * The process {@link VfsCrashTest} kills: opens a {@link VfsRuntime} over the state, cache and bucket directories
 * the previous runs left, reads the whole tree back through the VFS (that is its model of what exists), prints
 * {@code READY}, then runs a random single-threaded workload until it is killed — mkdir, create, writes
 * (unstable + commit, or one FILE_SYNC write; overwrites, patches past the end, appends), truncates, renames of
 * files and directories (also over existing ones), removes.
 *
 * <p>Each operation is logged as {@code BEGIN <op>} before it is issued and {@code ACK <op>} after it returned
 * (see {@link CrashModel.Op#line}); both lines are flushed at once. Every acknowledged operation is durable per
 * the {@link Vfs} contract, and each is atomic as far as a crash can tell: a write operation is committed only at
 * its end, so a crash shows the file either as before or as after it.
 *
 * <p>The one exception: a WRITE is several {@code vfs.write} calls, UNSTABLE until the final commit, and a crash
 * may keep any subset of them (NFS lets a server make unstable data stable whenever it likes; the VFS does so
 * when an upload of the last committed generation begins between two calls: it freezes the staged file as it is
 * then, appended unstable bytes included, and journals that version). So before each WRITE's {@code BEGIN}
 * the child leaves in {@code <lines file>.inflight} the file's content before it and every call (offset and
 * bytes); {@link VfsCrashTest} reads it when the kill caught a WRITE in flight (see {@link InFlightWrite}).
 *
 * <p>Arguments: state directory, cache directory, bucket directory, run number (makes names unique), seed, the
 * file the lines go to (appended; each line is one {@code write}).
 */
public final class VfsCrashChild {

    static final String MOUNT = "m1";
    static final Caller ROOT = Caller.ROOT;
    /** Files never grow beyond this (keeps the reads of every restart quick). */
    static final int MAX_FILE = 192 * 1024;
    private static final int MAX_FILES = 40;
    private static final int MAX_DIRS = 8;

    private final Vfs vfs;
    private final BucketVfs bucketVfs;
    private final Random rnd;
    private final String run;
    private final PrintStream out;
    /** Where each WRITE's calls go before its BEGIN (see {@link InFlightWrite}). */
    private final Path inFlightFile;
    private final CrashModel<byte[]> model = new CrashModel<>();
    private long seq;
    private int names;

    private VfsCrashChild(Vfs vfs, Random rnd, String run, PrintStream out, Path inFlightFile) {
        this.inFlightFile = inFlightFile;
        this.vfs = vfs;
        this.bucketVfs = (BucketVfs) vfs;
        this.rnd = rnd;
        this.run = run;
        this.out = out;
    }

    /** Opens the runtime the way both the child and the verifying parent do. */
    static VfsRuntime open(Path stateDir, Path cacheDir, ObjectStore store) throws IOException {
        MountSettings settings = MountSettings.defaults(MOUNT).withDurability(MountSettings.Durability.LOCAL)
                .withTtls(Duration.ofMillis(200), Duration.ofMillis(200));
        JournalSettings journal = JournalSettings.defaults().withMaxRecordBytes(256 * 1024)
                .withSegmentBytes(512 * 1024).withSnapshotEveryRecords(400);
        return VfsRuntime.open(stateDir, cacheDir,
                CacheSettings.DEFAULT.withChunkSize(64 * 1024).withCapacityBytes(64L << 20),
                WriteBackSettings.DEFAULT.withPartSize(5L << 20)
                        .withRetryBackoff(Duration.ofMillis(50), Duration.ofMillis(500)),
                journal, List.of(new VfsRuntime.MountSpec(settings, store)));
    }

    public static void main(String[] args) {
        try {
            // a file, not stdout: what a write() put in the page cache outlives the SIGKILL, with no pipe or reader
            // thread in between to lose the last lines
            PrintStream out = new PrintStream(new FileOutputStream(args[5], true), false, StandardCharsets.UTF_8);
            ObjectStore store = LocalDirectoryStore.create(Path.of(args[2]));
            VfsRuntime rt = open(Path.of(args[0]), Path.of(args[1]), store);
            VfsCrashChild child = new VfsCrashChild(rt.mount(MOUNT), new Random(Long.parseLong(args[4])),
                    "r" + args[3], out, InFlightWrite.fileFor(Path.of(args[5])));
            child.load("", child.vfs.root());
            child.emit("READY");
            child.runForever();
        } catch (Throwable t) {
            t.printStackTrace();
            System.err.flush();
            System.exit(3);
        }
    }

    // ------------------------------------------------------------------------------------ the state at start

    private void load(String dir, FileHandle h) throws VfsException {
        for (DirEntry e : list(vfs, h)) {
            String path = join(dir, e.name());
            if (e.attr().type() == FileType.DIRECTORY) {
                model.dirs().add(path);
                load(path, e.handle());
            } else {
                model.files().put(path, readAll(vfs, e.handle()));
            }
        }
    }

    /** Every entry of a directory, page by page. */
    static List<DirEntry> list(Vfs vfs, FileHandle dir) throws VfsException {
        List<DirEntry> all = new ArrayList<>();
        long cookie = 0;
        long verifier = 0;
        while (true) {
            DirPage p = vfs.readdir(ROOT, dir, cookie, verifier, 7);
            for (DirEntry e : p.entries()) {
                all.add(e);
                cookie = e.cookie();
            }
            verifier = p.verifier();
            if (p.eof()) {
                return all;
            }
        }
    }

    /** A file's whole content, read in pieces until EOF. */
    static byte[] readAll(Vfs vfs, FileHandle h) throws VfsException {
        ByteBuffer piece = ByteBuffer.allocate(40_000);
        java.io.ByteArrayOutputStream all = new java.io.ByteArrayOutputStream();
        long off = 0;
        while (true) {
            piece.clear();
            ReadResult r = vfs.read(ROOT, h, off, piece);
            all.write(piece.array(), 0, r.count());
            off += r.count();
            if (r.eof() || r.count() == 0) {
                return all.toByteArray();
            }
        }
    }

    // ------------------------------------------------------------------------------------ the workload

    private void runForever() throws Exception {
        while (true) {
            int r = rnd.nextInt(100);
            if (r < 6 && model.dirs().size() < MAX_DIRS) {
                mkdir();
            } else if (r < 20 && model.files().size() < MAX_FILES) {
                create();
            } else if (r < 23) {
                bucketVfs.snapshotIfDue(); // a journal snapshot now and then: replay starts from it
            } else if (model.files().isEmpty()) {
                create();
            } else if (r < 58) {
                write(pick(model.files().keySet()));
            } else if (r < 66) {
                truncate(pick(model.files().keySet()));
            } else if (r < 80) {
                renameFile(pick(model.files().keySet()));
            } else if (r < 85 && !model.dirs().isEmpty()) {
                renameDir(pick(model.dirs()));
            } else if (r < 96) {
                remove(pick(model.files().keySet()));
            } else {
                rmdirSomeEmpty();
            }
        }
    }

    private void mkdir() throws Exception {
        String parent = randomDir(2);
        String path = join(parent, "d" + run + "x" + names++);
        CrashModel.Op op = CrashModel.Op.mkdir(seq++, path);
        begin(op);
        vfs.mkdir(ROOT, resolve(parent), name(path), SetAttr.NONE);
        ack(op, null);
    }

    private void create() throws Exception {
        String path = join(randomDir(3), "f" + run + "x" + names++);
        CrashModel.Op op = CrashModel.Op.create(seq++, path, sha256(new byte[0]));
        begin(op);
        vfs.create(ROOT, resolve(parent(path)), name(path), CreateMode.GUARDED, SetAttr.NONE, 0);
        ack(op, new byte[0]);
    }

    /** Writes one or more ranges, then commits; or writes one range with FILE_SYNC/DATA_SYNC. */
    private void write(String path) throws Exception {
        byte[] old = model.files().get(path);
        List<long[]> ranges = new ArrayList<>(); // {offset, length}
        int kind = rnd.nextInt(10);
        if (kind < 3) {
            ranges.add(new long[] {0, Math.max(old.length, rnd.nextInt(MAX_FILE / 2))}); // rewrite it all
        } else if (kind < 5) {
            ranges.add(new long[] {old.length, 1 + rnd.nextInt(48 * 1024)}); // append
        } else {
            for (int k = 1 + rnd.nextInt(3); k > 0; k--) {
                ranges.add(new long[] {rnd.nextInt(old.length + 8 * 1024), 1 + rnd.nextInt(32 * 1024)});
            }
        }
        boolean sync = ranges.size() == 1 && ranges.get(0)[1] <= 64 * 1024 && rnd.nextInt(4) == 0;
        byte[] now = old;
        List<ByteBuffer> calls = new ArrayList<>(); // each buffer's position is its file offset's delta
        List<Long> offsets = new ArrayList<>();
        for (long[] range : ranges) {
            if (range[0] + range[1] > MAX_FILE) {
                continue;
            }
            byte[] b = new byte[(int) range[1]];
            rnd.nextBytes(b);
            now = patch(now, range[0], b);
            int piece = sync ? b.length : 4096 << rnd.nextInt(5);
            List<Integer> starts = new ArrayList<>();
            for (int o = 0; o < b.length; o += piece) {
                starts.add(o);
            }
            if (rnd.nextInt(4) == 0) {
                Collections.shuffle(starts, rnd); // the pieces of one range in any order (ranges keep theirs)
            }
            for (int o : starts) {
                calls.add(ByteBuffer.wrap(b, o, Math.min(piece, b.length - o)));
                offsets.add(range[0] + o);
            }
        }
        if (calls.isEmpty()) {
            return;
        }
        CrashModel.Op op = CrashModel.Op.write(seq++, CrashModel.Kind.WRITE, path, sha256(now), now.length);
        InFlightWrite.save(inFlightFile, op.seq(), old, offsets, calls); // complete before the BEGIN line
        begin(op);
        FileHandle h = resolve(path);
        for (int k = 0; k < calls.size(); k++) {
            vfs.write(ROOT, h, offsets.get(k), calls.get(k),
                    sync ? (rnd.nextBoolean() ? Stability.FILE_SYNC : Stability.DATA_SYNC) : Stability.UNSTABLE);
        }
        if (!sync) {
            vfs.commit(ROOT, h);
        }
        ack(op, now);
    }

    private void truncate(String path) throws Exception {
        byte[] old = model.files().get(path);
        int size = Math.min(MAX_FILE, rnd.nextInt(old.length + 16 * 1024));
        byte[] now = Arrays.copyOf(old, size);
        CrashModel.Op op = CrashModel.Op.write(seq++, CrashModel.Kind.TRUNCATE, path, sha256(now), size);
        begin(op);
        vfs.setattr(ROOT, resolve(path), SetAttr.NONE.withSize((long) size), null);
        ack(op, now);
    }

    /** To a new name or over another file, in the same or another directory. */
    private void renameFile(String path) throws Exception {
        String toDir = rnd.nextBoolean() ? parent(path) : randomDir(3);
        List<String> victims = new ArrayList<>();
        for (String n : model.children(toDir)) {
            String p = join(toDir, n);
            if (model.files().containsKey(p) && !p.equals(path)) {
                victims.add(p);
            }
        }
        String to = !victims.isEmpty() && rnd.nextInt(5) < 2 ? pick(victims) : join(toDir, "f" + run + "x" + names++);
        rename(path, to);
    }

    /** A directory to a new name or over an empty one, never into its own subtree; depth stays at most 3. */
    private void renameDir(String path) throws Exception {
        List<String> parents = new ArrayList<>();
        parents.add("");
        int height = 0;
        for (String d : model.dirs().subSet(path + "/", path + "/\uffff")) {
            height = Math.max(height, depth(d) - depth(path));
        }
        for (String d : model.dirs()) {
            if (!d.equals(path) && !d.startsWith(path + "/") && depth(d) + 1 + height <= 3) {
                parents.add(d);
            }
        }
        String toDir = pick(parents);
        List<String> empty = new ArrayList<>();
        for (String n : model.children(toDir)) {
            String p = join(toDir, n);
            if (model.dirs().contains(p) && !p.equals(path) && model.children(p).isEmpty()) {
                empty.add(p);
            }
        }
        String to = !empty.isEmpty() && rnd.nextInt(3) == 0 ? pick(empty) : join(toDir, "d" + run + "x" + names++);
        rename(path, to);
    }

    private void rename(String from, String to) throws Exception {
        CrashModel.Op op = CrashModel.Op.rename(seq++, from, to);
        begin(op);
        vfs.rename(ROOT, resolve(parent(from)), name(from), resolve(parent(to)), name(to));
        ack(op, null);
    }

    private void remove(String path) throws Exception {
        CrashModel.Op op = CrashModel.Op.remove(seq++, CrashModel.Kind.REMOVE, path);
        begin(op);
        vfs.remove(ROOT, resolve(parent(path)), name(path));
        ack(op, null);
    }

    private void rmdirSomeEmpty() throws Exception {
        List<String> empty = new ArrayList<>();
        for (String d : model.dirs()) {
            if (model.children(d).isEmpty()) {
                empty.add(d);
            }
        }
        if (empty.isEmpty()) {
            return;
        }
        String path = pick(empty);
        CrashModel.Op op = CrashModel.Op.remove(seq++, CrashModel.Kind.RMDIR, path);
        begin(op);
        vfs.rmdir(ROOT, resolve(parent(path)), name(path));
        ack(op, null);
    }

    // ------------------------------------------------------------------------------------ helpers

    private void begin(CrashModel.Op op) {
        emit("BEGIN " + op.line());
    }

    private void ack(CrashModel.Op op, byte[] content) {
        emit("ACK " + op.line());
        model.apply(op, content);
    }

    private void emit(String line) {
        out.print(line + "\n");
        out.flush();
        if (out.checkError()) {
            throw new IllegalStateException("stdout failed");
        }
    }

    private FileHandle resolve(String path) throws VfsException {
        FileHandle h = vfs.root();
        if (path.isEmpty()) {
            return h;
        }
        for (String n : path.split("/")) {
            h = vfs.lookup(ROOT, h, n).handle();
        }
        return h;
    }

    /** A directory ("" is the root) of depth below {@code maxDepth}. */
    private String randomDir(int maxDepth) {
        List<String> c = new ArrayList<>();
        c.add("");
        for (String d : model.dirs()) {
            if (depth(d) < maxDepth) {
                c.add(d);
            }
        }
        return pick(c);
    }

    private <T> T pick(java.util.Collection<T> from) {
        int k = rnd.nextInt(from.size());
        for (T t : from) {
            if (k-- == 0) {
                return t;
            }
        }
        throw new IllegalStateException("empty");
    }

    static byte[] patch(byte[] old, long offset, byte[] b) {
        byte[] now = Arrays.copyOf(old, (int) Math.max(old.length, offset + b.length));
        System.arraycopy(b, 0, now, (int) offset, b.length);
        return now;
    }

    static int depth(String path) {
        return path.isEmpty() ? 0 : path.split("/").length;
    }

    static String join(String dir, String name) {
        return dir.isEmpty() ? name : dir + "/" + name;
    }

    static String parent(String path) {
        int k = path.lastIndexOf('/');
        return k < 0 ? "" : path.substring(0, k);
    }

    static String name(String path) {
        return path.substring(path.lastIndexOf('/') + 1);
    }

    static String sha256(byte[] b) {
        try {
            return HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256").digest(b));
        } catch (java.security.NoSuchAlgorithmException e) {
            throw new IllegalStateException(e);
        }
    }
}
