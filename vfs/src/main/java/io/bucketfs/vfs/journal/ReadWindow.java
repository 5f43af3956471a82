package io.bucketfs.vfs.journal;

import java.io.EOFException;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;

/**
 * Buffered positional reads over a file of fixed size, for scanning records sequentially with occasional
 * look-ahead. Not thread-safe.
 */
final class ReadWindow {
    private static final int WINDOW_BYTES = 1 << 20;

    private final FileChannel channel;
    private final long size;
    private ByteBuffer window = ByteBuffer.allocate(0);
    private long windowStart;

    ReadWindow(FileChannel channel, long size) {
        this.channel = channel;
        this.size = size;
    }

    long size() {
        return size;
    }

    /**
     * The {@code length} bytes at {@code position} as a buffer whose position is 0 and limit {@code length}.
     * Valid until the next call. The caller checks bounds against {@link #size()} first.
     */
    ByteBuffer get(long position, int length) throws IOException {
        if (position < 0 || length < 0 || position + length > size) {
            throw new EOFException("read of " + length + " at " + position + " beyond " + size);
        }
        long windowEnd = windowStart + window.limit();
        if (position < windowStart || position + length > windowEnd) {
            fill(position, length);
        }
        int from = (int) (position - windowStart);
        return window.duplicate().position(from).limit(from + length).slice();
    }

    private void fill(long position, int length) throws IOException {
        int want = (int) Math.min(Math.max(length, WINDOW_BYTES), size - position);
        if (window.capacity() < want) {
            window = ByteBuffer.allocate(Math.max(want, WINDOW_BYTES));
        }
        window.clear().limit(want);
        long at = position;
        while (window.hasRemaining()) {
            int n = channel.read(window, at);
            if (n < 0) {
                throw new EOFException("file shrank while reading at " + at);
            }
            at += n;
        }
        window.flip();
        windowStart = position;
    }
}
