package io.bucketfs.vfs.journal;

/** An append or snapshot was attempted after {@link Journal#close()} began. Nothing was written. */
public final class JournalClosedException extends JournalException {
    private static final long serialVersionUID = 1L;

    public JournalClosedException(String message) {
        super(message);
    }
}
