package io.bucketfs.vfs.journal;

/**
 * The journal has stopped after an I/O error (fail-stop). One instance is created at the first failure; the
 * futures of the batch being written at that moment and of every later {@link Journal#append(byte[])} are
 * completed with that same instance, whose {@link #getCause() cause} is the original error. Records whose
 * futures failed with it may or may not be on disk: the VFS must treat them as not acknowledged, and a
 * restart (replay) decides.
 */
public final class JournalFailedException extends JournalException {
    private static final long serialVersionUID = 1L;

    public JournalFailedException(String message, Throwable cause) {
        super(message, cause);
    }
}
