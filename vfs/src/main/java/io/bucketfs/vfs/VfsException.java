package io.bucketfs.vfs;

import java.util.Objects;

/**
 * The failure of a VFS call: a {@link VfsStatus} and a message for logs. Frontends map the status, never parse the
 * message. {@link VfsStatus#SERVER_FAULT} and {@link VfsStatus#IO_ERROR} carry their cause.
 */
public class VfsException extends Exception {

    private final VfsStatus status;

    public VfsException(VfsStatus status, String message) {
        this(status, message, null);
    }

    public VfsException(VfsStatus status, String message, Throwable cause) {
        super(message, cause);
        this.status = Objects.requireNonNull(status, "status");
    }

    public VfsStatus status() {
        return status;
    }

    /** Whether this is the client's doing (logged at most as one line) rather than a server fault. */
    public boolean isClientError() {
        return status != VfsStatus.SERVER_FAULT && status != VfsStatus.IO_ERROR;
    }

    @Override
    public String toString() {
        return "VfsException[" + status + "]: " + getMessage();
    }
}
