package io.bucketfs.backends;

import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.nio.ByteBuffer;
import java.nio.channels.Channels;
import java.nio.channels.FileChannel;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.Objects;

/**
 * The body of a PUT or an uploaded part: a known number of bytes that can be opened as a stream, usually more
 * than once. Stores read it as a stream — never all at once — and retry a failed request only when the payload is
 * {@link #repeatable()} (every factory here but {@link #ofStream}).
 */
public interface Payload {

    /** The exact number of bytes {@link #open()} yields. */
    long length();

    /** A new stream over the bytes, from the first. Callers close it. */
    InputStream open() throws IOException;

    /** Whether {@link #open()} may be called again after a failed attempt. */
    default boolean repeatable() {
        return true;
    }

    static Payload empty() {
        return ofBytes(new byte[0]);
    }

    static Payload ofBytes(byte[] bytes) {
        Objects.requireNonNull(bytes, "bytes");
        return new Payload() {
            @Override
            public long length() {
                return bytes.length;
            }

            @Override
            public InputStream open() {
                return new ByteArrayInputStream(bytes);
            }
        };
    }

    /** The buffer's remaining bytes; the buffer's position is never moved (each open reads a duplicate). */
    static Payload ofByteBuffer(ByteBuffer buffer) {
        ByteBuffer snapshot = buffer.duplicate();
        return new Payload() {
            @Override
            public long length() {
                return snapshot.remaining();
            }

            @Override
            public InputStream open() {
                return new ByteBufferInputStream(snapshot.duplicate());
            }
        };
    }

    static Payload ofFile(Path file) throws IOException {
        return ofFile(file, 0, java.nio.file.Files.size(file));
    }

    /** {@code length} bytes of {@code file} from {@code offset} (a staged part of a larger file, say). */
    static Payload ofFile(Path file, long offset, long length) {
        Objects.requireNonNull(file, "file");
        if (offset < 0 || length < 0) {
            throw new IllegalArgumentException("offset and length must be >= 0");
        }
        return new Payload() {
            @Override
            public long length() {
                return length;
            }

            @Override
            public InputStream open() throws IOException {
                FileChannel ch = FileChannel.open(file, StandardOpenOption.READ);
                ch.position(offset);
                return new BoundedInputStream(Channels.newInputStream(ch), length);
            }

            @Override
            public String toString() {
                return "Payload[" + file + "@" + offset + "+" + length + "]";
            }
        };
    }

    /** A one-shot stream of exactly {@code length} bytes; a request with it is not retried. */
    static Payload ofStream(InputStream in, long length) {
        Objects.requireNonNull(in, "in");
        return new Payload() {
            private boolean opened;

            @Override
            public long length() {
                return length;
            }

            @Override
            public synchronized InputStream open() throws IOException {
                if (opened) {
                    throw new IOException("a stream payload can be read once");
                }
                opened = true;
                return new BoundedInputStream(in, length);
            }

            @Override
            public boolean repeatable() {
                return false;
            }
        };
    }
}
