package io.bucketfs.tests.crash;

import io.bucketfs.tests.crash.CrashContent.Version;
import io.bucketfs.tests.crash.CrashLedger.Kind;
import io.bucketfs.tests.crash.CrashLedger.Pending;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.SplittableRandom;
import java.util.TreeMap;

/**
 * One client of the crash test: in its own directory, one operation at a time until the gateway dies under it,
 * it writes new files, overwrites files in place, replaces files atomically (a new version written under a
 * temporary name, made durable, renamed over the old), renames and removes them, telling its {@link CrashLedger}
 * when each operation begins, each durable step and each acknowledgement. The protocol is the subclass's: {@code H}
 * is its open file.
 */
abstract class CrashWorker<H> implements AutoCloseable {

    /** Largest file, in blocks of {@link CrashContent#BLOCK}. */
    static final int MAX_BLOCKS = 24;
    /** Bytes per WRITE request: several requests per file. */
    static final int WRITE_BYTES = 32 * 1024;
    private static final int MAX_FILES = 10;

    /** A reply of the server that refused an operation: a failure of the gateway, never the kill's doing. */
    static final class ErrorReply extends java.io.IOException {
        ErrorReply(String message) {
            super(message);
        }
    }

    protected final CrashLedger ledger;
    protected final SplittableRandom random;
    private final int workerId;
    private volatile boolean stop;

    CrashWorker(CrashLedger ledger, int workerId, long seed) {
        this.ledger = ledger;
        this.workerId = workerId;
        this.random = new SplittableRandom(seed);
    }

    /** Opens a new file {@code name} (exclusive create); returns once the create was acknowledged. */
    protected abstract H createFile(String name) throws Exception;

    /** Opens file {@code name} truncated to 0; returns once the truncation was acknowledged. */
    protected abstract H truncateFile(String name) throws Exception;

    protected abstract void write(H file, long offset, byte[] data) throws Exception;

    /**
     * Makes what was written durable by this protocol's means and closes the file, calling {@code acked} as soon
     * with the request's name (COMMIT, FLUSH, CLOSE) as soon as the reply that acknowledges it durable arrived.
     */
    protected abstract void commitAndClose(H file, java.util.function.Consumer<String> acked) throws Exception;

    /** Renames {@code from} to {@code to} (replacing it). */
    protected abstract void rename(String from, String to) throws Exception;

    protected abstract void remove(String name) throws Exception;

    /** Every file of directory {@code dir} (this worker's or another's) with its content. */
    abstract TreeMap<String, byte[]> readAll(String dir) throws Exception;

    /** Asks {@link #run} to return after the operation under way. */
    void stop() {
        stop = true;
    }

    /** Runs operations until {@link #stop} or a failure (the kill), which it throws. */
    void run() throws Exception {
        while (!stop) {
            step();
        }
    }

    private void step() throws Exception {
        List<String> files = new ArrayList<>(ledger.acked().keySet());
        int dice = random.nextInt(100);
        if (files.size() < 2 || (dice < 30 && files.size() < MAX_FILES)) {
            write("f" + ledger.nextName(), true, null);
            return;
        }
        String some = files.get(random.nextInt(files.size()));
        if (dice < 55) {
            write(some, false, ledger.acked().get(some));
        } else if (dice < 70) {
            String tmp = "t" + ledger.nextName();
            write(tmp, true, ledger.acked().get(some));
            renameOp(tmp, some);
        } else if (dice < 85 || files.size() < 3) {
            renameOp(some, "f" + ledger.nextName());
        } else {
            ledger.begin(new Pending(Kind.REMOVE, some, null, null, false));
            remove(some);
            ledger.ack(null);
        }
    }

    private void renameOp(String from, String to) throws Exception {
        ledger.begin(new Pending(Kind.RENAME, from, to, null, false));
        rename(from, to);
        ledger.ack(null);
    }

    /** A new version of {@code name}: of the same logical file as {@code of} if given, else of a new one. */
    private void write(String name, boolean create, Version of) throws Exception {
        long fileId = of != null ? of.fileId() : ((long) workerId << 40) | ledger.nextName();
        Version v = new Version(fileId, ledger.nextVersion(), 1 + random.nextInt(MAX_BLOCKS));
        ledger.begin(new Pending(Kind.WRITE, name, null, v, false));
        H file;
        if (create) {
            file = createFile(name);
            ledger.created();
        } else {
            file = truncateFile(name);
            ledger.truncated();
        }
        byte[] bytes = v.bytes();
        for (int off = 0; off < bytes.length; off += WRITE_BYTES) {
            write(file, off, Arrays.copyOfRange(bytes, off, Math.min(bytes.length, off + WRITE_BYTES)));
        }
        commitAndClose(file, ledger::ack);
    }
}
