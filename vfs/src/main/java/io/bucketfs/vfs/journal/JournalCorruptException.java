package io.bucketfs.vfs.journal;

import java.nio.file.Path;

/**
 * {@link Journal#open} found damage it will not repair by itself because repairing it could lose acknowledged
 * records: a bad record followed by valid ones, a gap in the LSN sequence, a missing start of the log, or no
 * usable snapshot while the log no longer reaches back to LSN 1. The journal directory is left as it was.
 */
public final class JournalCorruptException extends JournalException {
    private static final long serialVersionUID = 1L;

    private final transient Path file;
    private final long offset;

    /**
     * @param file the damaged file, or the journal directory when no single file is to blame
     * @param offset byte offset of the damage in {@code file}, or -1 when not applicable
     */
    public JournalCorruptException(String message, Path file, long offset) {
        super(message + " [" + file + (offset >= 0 ? " @" + offset : "") + "]");
        this.file = file;
        this.offset = offset;
    }

    /** The damaged file, or the journal directory. */
    public Path file() {
        return file;
    }

    /** Byte offset of the damage in {@link #file()}, or -1. */
    public long offset() {
        return offset;
    }
}
