package io.bucketfs.cache.write;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;

/** Small buffer and file helpers of the staging code. */
final class Bytes {

    private Bytes() {
    }

    static void readFully(FileChannel ch, ByteBuffer dst, long pos, String id) throws IOException {
        while (dst.hasRemaining()) {
            int n = ch.read(dst, pos);
            if (n < 0) {
                throw new IOException("staging file of " + id + " ends at " + pos + " inside its extents");
            }
            pos += n;
        }
    }

    /** A view of the next {@code len} bytes of {@code dst}, sharing its content; {@code dst} is not moved. */
    static ByteBuffer window(ByteBuffer dst, long len) {
        ByteBuffer w = dst.duplicate();
        w.limit(w.position() + (int) len);
        return w.slice();
    }

    static void zero(ByteBuffer w) {
        while (w.hasRemaining()) {
            w.put((byte) 0);
        }
    }
}
