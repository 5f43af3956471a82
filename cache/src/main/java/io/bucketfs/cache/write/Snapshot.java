package io.bucketfs.cache.write;

import io.bucketfs.backends.Payload;
import java.io.IOException;
import java.io.InputStream;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.Map;
import java.util.TreeMap;

/**
 * The frozen content of one staged file that one upload sends: the file as it was when the upload began, never
 * a mix with later writes.
 *
 * <p>How it stays frozen without copying the file: the size, base limit and extents are copied when the upload
 * begins (they are small). The data file itself stays shared with writers; before a writer overwrites bytes of
 * the data file that belong to this snapshot's extents, {@link #preserve} copies the old bytes into a pre-image
 * file {@code <id>.pre} (once per byte). Readers of the snapshot take those bytes from the pre-image and all
 * others from the data file, both under the file lock, so a chunk read never races a write. Truncation never
 * shortens the data file, and base ranges are read by ETag, so both stay valid. The cost is one copy of the bytes
 * overwritten while an upload is in flight; the pre-image is deleted when the upload ends and is never needed
 * after a crash (recovery uploads a new snapshot).
 */
final class Snapshot {

    private static final int CHUNK = 256 * 1024;

    final Staged file;
    final long gen;
    final long size;
    final long baseLimit;
    final RangeSet extents;
    final String key;
    final WriteCondition condition;
    final String baseKey;
    final Base base;
    final Map<String, String> metadata;
    final String contentType;
    /** The multipart upload started while writing, sealed for this snapshot; or null. */
    final PartTracker parts;

    // guarded by file.lock
    private final RangeSet saved = new RangeSet();
    private final TreeMap<Long, long[]> savedAt = new TreeMap<>();
    private FileChannel pre;
    private long preBytes;

    Snapshot(Staged file, long gen, long size, long baseLimit, RangeSet extents, String key,
             WriteCondition condition, String baseKey, Base base, Map<String, String> metadata,
             String contentType, PartTracker parts) {
        this.file = file;
        this.gen = gen;
        this.size = size;
        this.baseLimit = baseLimit;
        this.extents = extents;
        this.key = key;
        this.condition = condition;
        this.baseKey = baseKey;
        this.base = base;
        this.metadata = metadata;
        this.contentType = contentType;
        this.parts = parts;
    }

    /**
     * Called under the file lock before {@code [start, end)} of the data file is overwritten: saves the bytes of
     * this snapshot there that are not saved yet. Returns the bytes added to the pre-image.
     */
    long preserve(long start, long end) throws IOException {
        long added = 0;
        for (long[] r : extents.overlap(start, end)) {
            for (long[] g : saved.gaps(r[0], r[1])) {
                if (pre == null) {
                    pre = FileChannel.open(prePath(), StandardOpenOption.CREATE, StandardOpenOption.READ,
                            StandardOpenOption.WRITE, StandardOpenOption.TRUNCATE_EXISTING);
                }
                long len = g[1] - g[0];
                long done = 0;
                while (done < len) {
                    long n = file.data().transferTo(g[0] + done, len - done, pre.position(preBytes + done));
                    if (n <= 0) {
                        throw new IOException("staging data file of " + file.id + " ends before " + (g[0] + done));
                    }
                    done += n;
                }
                savedAt.put(g[0], new long[] {g[1], preBytes});
                saved.add(g[0], g[1]);
                preBytes += len;
                added += len;
            }
        }
        return added;
    }

    /** Fills {@code dst} with the snapshot's bytes from {@code pos}; {@code dst} must not reach past {@link #size}. */
    void read(long pos, ByteBuffer dst) throws IOException {
        while (dst.hasRemaining()) {
            long end = pos + dst.remaining();
            long extentEnd = extents.rangeEndAt(pos);
            long segEnd;
            if (extentEnd >= 0) {
                segEnd = Math.min(end, extentEnd);
                file.readForSnapshot(this, pos, Bytes.window(dst, segEnd - pos));
            } else if (pos < baseLimit) {
                segEnd = Math.min(end, Math.min(extents.nextStartAfter(pos), baseLimit));
                file.baseBytes.read(baseKey, base, pos, Bytes.window(dst, segEnd - pos));
            } else {
                segEnd = Math.min(end, extents.nextStartAfter(pos));
                Bytes.zero(Bytes.window(dst, segEnd - pos));
            }
            dst.position(dst.position() + (int) (segEnd - pos));
            pos = segEnd;
        }
    }

    /** Under the file lock: copies {@code [pos, pos + dst.remaining())}, all inside extents, from pre-image or data. */
    void readStagedLocked(long pos, ByteBuffer dst) throws IOException {
        long end = pos + dst.remaining();
        long p = pos;
        while (p < end) {
            long savedEnd = saved.rangeEndAt(p);
            ByteBuffer w;
            if (savedEnd >= 0) {
                // the saved range may consist of several pre-image pieces; the floor piece holds pos
                Map.Entry<Long, long[]> at = savedAt.floorEntry(p);
                long e = Math.min(Math.min(end, savedEnd), at.getValue()[0]);
                w = Bytes.window(dst, e - p);
                Bytes.readFully(pre, w, at.getValue()[1] + (p - at.getKey()), file.id);
                dst.position(dst.position() + (int) (e - p));
                p = e;
            } else {
                long e = Math.min(end, saved.nextStartAfter(p));
                w = Bytes.window(dst, e - p);
                Bytes.readFully(file.data(), w, p, file.id);
                dst.position(dst.position() + (int) (e - p));
                p = e;
            }
        }
    }

    /** Bytes {@code [offset, offset + length)} of the snapshot as a repeatable payload. */
    Payload payload(long offset, long length) {
        return new Payload() {
            @Override
            public long length() {
                return length;
            }

            @Override
            public InputStream open() {
                return new SnapshotStream(offset, length);
            }

            @Override
            public String toString() {
                return "Snapshot[" + file.id + " gen " + gen + " @" + offset + "+" + length + "]";
            }
        };
    }

    /** Under the file lock: closes and deletes the pre-image. Returns its size, to release from the budget. */
    long releaseLocked() {
        if (pre != null) {
            try {
                pre.close();
                Files.deleteIfExists(prePath());
            } catch (IOException e) {
                Staged.LOG.warn("cannot delete pre-image of {}: {}", file.id, e.toString());
            }
            pre = null;
        }
        long n = preBytes;
        preBytes = 0;
        return n;
    }

    private Path prePath() {
        return file.wb.dir().resolve(file.id + ".pre");
    }

    /** Reads the snapshot in chunks; a chunk of data-file bytes is read under the file lock. */
    private final class SnapshotStream extends InputStream {
        private final long end;
        private long pos;
        private final ByteBuffer buf;

        SnapshotStream(long offset, long length) {
            this.pos = offset;
            this.end = offset + length;
            this.buf = ByteBuffer.allocate((int) Math.min(CHUNK, Math.max(1, length)));
            buf.limit(0);
        }

        @Override
        public int read() throws IOException {
            byte[] one = new byte[1];
            return read(one, 0, 1) < 0 ? -1 : one[0] & 0xff;
        }

        @Override
        public int read(byte[] b, int off, int len) throws IOException {
            if (len == 0) {
                return 0;
            }
            if (!buf.hasRemaining()) {
                if (pos >= end) {
                    return -1;
                }
                buf.clear();
                buf.limit((int) Math.min(buf.capacity(), end - pos));
                Snapshot.this.read(pos, buf);
                pos += buf.position();
                buf.flip();
            }
            int n = Math.min(len, buf.remaining());
            buf.get(b, off, n);
            return n;
        }
    }
}
