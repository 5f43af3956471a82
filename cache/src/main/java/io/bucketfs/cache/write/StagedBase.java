package io.bucketfs.cache.write;

import io.bucketfs.backends.ObjectInfo;
import io.bucketfs.backends.ObjectStoreException;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.util.List;

/**
 * The base version a {@link Staged} file patches: its bytes are read from the bucket (through the write-back's
 * {@link BaseSource}) where the file has no staged extents, or copied into the data file before the base key may
 * go. A base replaced under a read is either a rebase after our own upload (the read retries) or, after a crash, our
 * own upload the manifest never learned of (adopted as the base).
 */
final class StagedBase {

    private static final int FILL_CHUNK = 1 << 20;

    private final Staged s;

    StagedBase(Staged s) {
        this.s = s;
    }

    /** Reads base bytes; false if the base changed meanwhile (rebased after an upload), so the caller retries. */
    boolean readOrRetry(String bk, Base b, long offset, ByteBuffer w) throws IOException {
        try {
            read(bk, b, offset, w);
            return true;
        } catch (IOException e) {
            s.lock.lock();
            try {
                if (s.base != b) {
                    return false;
                }
            } finally {
                s.lock.unlock();
            }
            if (e instanceof ObjectStoreException ose && ose.kind() == ObjectStoreException.Kind.PRECONDITION_FAILED
                    && adoptOwnUpload(bk, b)) {
                return false;
            }
            throw e;
        }
    }

    /**
     * After a crash the base key may hold this file's own upload (it landed; the manifest never learned it): its
     * bytes outside the staged extents are the base's (as the uploader's adoption reasons), so it becomes the base.
     * True if the base changed (the caller retries).
     */
    private boolean adoptOwnUpload(String bk, Base b) {
        ObjectInfo head;
        try {
            head = s.wb.store(s.storeId).head(bk);
        } catch (ObjectStoreException e) {
            return false;
        }
        s.lock.lock();
        try {
            if (s.base != b) {
                return true;
            }
            boolean ours = s.id.equals(head.userMetadata().get(Staged.TAG));
            if (!bk.equals(s.baseKey) || !ours || head.size() < s.baseLimit) {
                return false;
            }
            Staged.LOG.info("staged {}: the base {} holds our own earlier upload (a crash before the manifest knew); "
                    + "adopting it as the base", s.id, bk);
            s.base = Base.of(head.etag(), head.size());
            return true;
        } finally {
            s.lock.unlock();
        }
    }

    /** Copies every base byte still part of the file into the data file. */
    void fill() throws IOException {
        ByteBuffer buf = ByteBuffer.allocate(FILL_CHUNK);
        long pos = 0;
        while (true) {
            String bk;
            Base b;
            long start;
            long end;
            s.lock.lock();
            try {
                List<long[]> gaps = s.extents.gaps(pos, s.baseLimit);
                if (gaps.isEmpty()) {
                    return;
                }
                start = gaps.get(0)[0];
                end = Math.min(gaps.get(0)[1], start + FILL_CHUNK);
                bk = s.baseKey;
                b = s.base;
            } finally {
                s.lock.unlock();
            }
            buf.clear().limit((int) (end - start));
            read(bk, b, start, buf);
            s.lock.lock();
            try {
                for (long[] g : s.extents.gaps(start, Math.min(end, s.baseLimit))) {
                    ByteBuffer piece = buf.duplicate();
                    piece.limit((int) (g[1] - start)).position((int) (g[0] - start));
                    s.wb.budget().force(s.allocated.gapLength(g[0], g[1]));
                    s.writeFully(piece, g[0]);
                    s.extents.add(g[0], g[1]);
                    s.allocated.add(g[0], g[1]);
                }
            } finally {
                s.lock.unlock();
            }
            pos = end;
        }
    }

    /** Fills {@code dst} from the base version; an early end is an error (the version is not what we expected). */
    void read(String bk, Base b, long pos, ByteBuffer dst) throws IOException {
        while (dst.hasRemaining()) {
            int n = s.wb.baseSource().read(s.storeId, bk, b.etag(), pos, dst);
            if (n <= 0) {
                throw new ObjectStoreException(ObjectStoreException.Kind.PERMANENT, "base " + bk + " (" + b.etag()
                        + ") ended at " + pos + ", expected " + b.size() + " bytes");
            }
            pos += n;
        }
    }
}
