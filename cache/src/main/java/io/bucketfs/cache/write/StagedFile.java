package io.bucketfs.cache.write;

import java.io.Closeable;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.util.Map;
import java.util.concurrent.CompletableFuture;

/**
 * A handle on a staged file, from {@link WriteBack#stage}. Several handles on one key share one staged file (see
 * there). Thread-safe: concurrent writes and reads are serialised per file for the local I/O only.
 *
 * <p>Content: {@link #read} returns what was written ({@link #write}), else the base version's bytes (through
 * {@link BaseSource}) below the base size and every truncation since, else zeros. Writes, truncations and
 * metadata become durable at the next {@link #commit} (or {@link #close}); after a crash, the content of the last
 * commit is uploaded, possibly with later writes that had reached the disk (an NFS client resends its unstable
 * writes when the server's verifier changes; see {@link WriteBack} for the exact rules).
 */
public final class StagedFile implements Closeable {

    private final WriteBack owner;
    private final Staged staged;
    private volatile boolean closed;

    StagedFile(WriteBack owner, Staged staged) {
        this.owner = owner;
        this.staged = staged;
    }

    /** The key the next upload goes to (changes with {@link #retarget} and after a conflict). */
    public String key() {
        staged.lock.lock();
        try {
            return staged.key;
        } finally {
            staged.lock.unlock();
        }
    }

    /**
     * Writes {@code src}'s remaining bytes at {@code offset}, extending the file as needed (a gap before
     * {@code offset} reads as zeros, or as base bytes below the base limit). Waits for staging space up to
     * {@link WriteBackSettings#stagingWaitTimeout()}.
     *
     * @throws StagingFullException if the space did not come in time; nothing was written
     * @throws IOException          if the cache disk failed; the written range's content is then undefined
     */
    public void write(long offset, ByteBuffer src) throws IOException {
        checkOpen();
        staged.write(offset, src);
    }

    /**
     * Reads from {@code offset} into {@code dst} until it is full or the file ends.
     *
     * @return the bytes read, or -1 if {@code offset} is at or past the end
     * @throws IOException from the cache disk or from {@link BaseSource}
     */
    public int read(long offset, ByteBuffer dst) throws IOException {
        checkOpen();
        return staged.read(offset, dst);
    }

    /** Sets the size: shorter drops the bytes past it; longer adds zeros. */
    public void truncate(long size) {
        checkOpen();
        staged.truncate(size);
    }

    /** The current size. */
    public long size() {
        checkOpen();
        return staged.size();
    }

    /**
     * Sets the user metadata and content type the next upload carries (replacing those of earlier calls; without
     * a call uploads carry none). The key {@value Staged#TAG} is reserved: the write-back adds it to recognise
     * its own uploads after a crash.
     *
     * @throws IllegalArgumentException if the metadata breaks {@code UserMetadata} rules (with that key added)
     */
    public void setMetadata(Map<String, String> userMetadata, String contentType) {
        checkOpen();
        staged.setMetadata(userMetadata, contentType);
    }

    /**
     * Makes everything written so far a committed generation. {@link Durability#LOCAL}: the data file and the
     * manifest are fsynced before this returns (in the calling thread) and the future is already complete; the
     * upload follows in the background. {@link Durability#OBJECT_STORE}: the same, and the future completes
     * once this generation (or a later one) is in the bucket: at {@link #key()}, or at a conflict copy reported
     * to {@link UploadListener#onConflict}. A commit with nothing new completes as soon as the last generation is
     * local or, for OBJECT_STORE, uploaded.
     *
     * <p>The future fails only if the local fsync fails, or if the write-back is closed before the upload ended
     * (the data stays staged). Failed uploads are retried, so an OBJECT_STORE future may wait long: the caller
     * bounds its wait.
     */
    public CompletableFuture<Void> commit(Durability durability) {
        checkOpen();
        return staged.commit(durability);
    }

    /**
     * Completes when the generation committed so far (by any handle of this file) is in the bucket, asking for its
     * upload now if it was deferred; other files' uploads do not count. Retries make it wait as long as the bucket
     * refuses: the caller bounds its wait.
     */
    public CompletableFuture<Void> committedUploaded() {
        checkOpen();
        return staged.awaitCommitted();
    }

    /**
     * Renames the staged file before (or between) uploads: later uploads go to {@code newKey} under
     * {@code newCondition}, and a new generation is committed for it (so the content reaches the new key even if
     * it was uploaded before). The change of key is durable when this returns.
     *
     * <p>The future completes once no upload to the old key is in flight and the staged file no longer reads
     * anything from the old key (base bytes still needed are copied to the cache disk first). Its value is
     * whether some generation of this file had been uploaded to the old key: then the VFS deletes the old key
     * (after the future completed, never before).
     *
     * @throws IllegalStateException if another staged file holds {@code newKey}
     * @throws IOException           if the manifest cannot be written (the key did not change)
     */
    public CompletableFuture<Boolean> retarget(String newKey, WriteCondition newCondition) throws IOException {
        checkOpen();
        return owner.retarget(staged, newKey, newCondition);
    }

    /**
     * The file was removed: drops everything not yet uploaded (also for other handles on it), so nothing more
     * reaches the bucket from it and a crash does not bring it back, and releases this handle. An upload already
     * in flight ends; {@link WriteBack#isStaged} stays true until then, so the caller deletes the key after.
     */
    public void discard() {
        if (closed) {
            return;
        }
        closed = true;
        owner.discard(staged);
    }

    /**
     * Releases the handle. Uncommitted changes are first committed with {@link Durability#LOCAL}; pending
     * uploads continue. Closing twice is harmless.
     *
     * @throws IOException if that commit failed; the handle is released anyway and the changes stay staged
     */
    @Override
    public void close() throws IOException {
        if (closed) {
            return;
        }
        closed = true;
        try {
            staged.commitLocal();
        } finally {
            owner.release(staged);
        }
    }

    private void checkOpen() {
        if (closed) {
            throw new IllegalStateException("staged file handle is closed");
        }
    }
}
