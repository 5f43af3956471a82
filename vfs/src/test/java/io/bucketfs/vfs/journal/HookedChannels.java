package io.bucketfs.vfs.journal;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.MappedByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.channels.FileLock;
import java.nio.channels.ReadableByteChannel;
import java.nio.channels.WritableByteChannel;
import java.nio.file.OpenOption;
import java.nio.file.Path;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * A {@link ChannelFactory} for tests: counts {@code force} calls and writes, runs a hook before each
 * segment fsync, and fails writes or fsyncs on demand.
 */
final class HookedChannels implements ChannelFactory {
    /** Runs before a segment file's force; may block or throw. */
    @FunctionalInterface
    interface ForceHook {
        void beforeForce(Path file) throws IOException;
    }

    final AtomicInteger segmentForces = new AtomicInteger();
    final AtomicInteger segmentWrites = new AtomicInteger();
    volatile ForceHook forceHook = file -> { };
    /** When set, every later segment force throws it (after counting). */
    volatile IOException failForce;
    /** When set, every later segment write throws it. */
    volatile IOException failWrite;

    @Override
    public FileChannel open(Path path, OpenOption... options) throws IOException {
        FileChannel real = FileChannel.open(path, options);
        return path.getFileName().toString().endsWith(".seg") ? new Segment(real, path) : real;
    }

    private final class Segment extends FileChannel {
        private final FileChannel delegate;
        private final Path path;

        Segment(FileChannel delegate, Path path) {
            this.delegate = delegate;
            this.path = path;
        }

        private void beforeWrite() throws IOException {
            segmentWrites.incrementAndGet();
            IOException e = failWrite;
            if (e != null) {
                throw e;
            }
        }

        @Override
        public void force(boolean metaData) throws IOException {
            forceHook.beforeForce(path);
            segmentForces.incrementAndGet();
            IOException e = failForce;
            if (e != null) {
                throw e;
            }
            delegate.force(metaData);
        }

        @Override
        public int write(ByteBuffer src) throws IOException {
            beforeWrite();
            return delegate.write(src);
        }

        @Override
        public long write(ByteBuffer[] srcs, int offset, int length) throws IOException {
            beforeWrite();
            return delegate.write(srcs, offset, length);
        }

        @Override
        public int write(ByteBuffer src, long position) throws IOException {
            beforeWrite();
            return delegate.write(src, position);
        }

        @Override
        public int read(ByteBuffer dst) throws IOException {
            return delegate.read(dst);
        }

        @Override
        public long read(ByteBuffer[] dsts, int offset, int length) throws IOException {
            return delegate.read(dsts, offset, length);
        }

        @Override
        public int read(ByteBuffer dst, long position) throws IOException {
            return delegate.read(dst, position);
        }

        @Override
        public long position() throws IOException {
            return delegate.position();
        }

        @Override
        public FileChannel position(long newPosition) throws IOException {
            delegate.position(newPosition);
            return this;
        }

        @Override
        public long size() throws IOException {
            return delegate.size();
        }

        @Override
        public FileChannel truncate(long size) throws IOException {
            beforeWrite();
            delegate.truncate(size);
            return this;
        }

        @Override
        public long transferTo(long position, long count, WritableByteChannel target) throws IOException {
            return delegate.transferTo(position, count, target);
        }

        @Override
        public long transferFrom(ReadableByteChannel src, long position, long count) throws IOException {
            beforeWrite();
            return delegate.transferFrom(src, position, count);
        }

        @Override
        public MappedByteBuffer map(MapMode mode, long position, long size) throws IOException {
            return delegate.map(mode, position, size);
        }

        @Override
        public FileLock lock(long position, long size, boolean shared) throws IOException {
            return delegate.lock(position, size, shared);
        }

        @Override
        public FileLock tryLock(long position, long size, boolean shared) throws IOException {
            return delegate.tryLock(position, size, shared);
        }

        @Override
        protected void implCloseChannel() throws IOException {
            delegate.close();
        }
    }
}
