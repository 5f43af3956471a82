package io.bucketfs.vfs.journal;

import java.io.IOException;

/**
 * Base type of every error the journal reports on its own account (as opposed to an exception thrown by a
 * caller's {@link Replay} or {@link SnapshotWriter} callback, which is passed through unchanged).
 */
public class JournalException extends IOException {
    private static final long serialVersionUID = 1L;

    public JournalException(String message) {
        super(message);
    }

    public JournalException(String message, Throwable cause) {
        super(message, cause);
    }
}
