package io.bucketfs.nfs.v4;

/**
 * An operation failed with an {@code nfsstat4} (RFC 8881 15.1). Thrown by operation handlers; the COMPOUND
 * processor turns it into the operation's result and logs it according to {@link Nfs4Errors#fault}.
 */
public final class Nfs4Exception extends Exception {

    private final int status;

    public Nfs4Exception(int status, String message) {
        this(status, message, null);
    }

    public Nfs4Exception(int status, String message, Throwable cause) {
        super(message, cause, false, cause != null);
        this.status = status;
    }

    public int status() {
        return status;
    }

    @Override
    public String toString() {
        return NfsStat4.name(status) + ": " + getMessage();
    }
}
