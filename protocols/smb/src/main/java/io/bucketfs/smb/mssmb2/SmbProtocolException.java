package io.bucketfs.smb.mssmb2;

/**
 * A request the server refuses with an NTSTATUS: malformed fields, unknown handles, unsupported classes. A
 * client's mistake, never logged with a stack trace. {@link #disconnect} asks the connection to be closed.
 */
public final class SmbProtocolException extends Exception {
    private final int status;
    private final boolean disconnect;

    public SmbProtocolException(int status, String message) {
        this(status, message, false);
    }

    public SmbProtocolException(int status, String message, boolean disconnect) {
        super(message, null, false, false);
        this.status = status;
        this.disconnect = disconnect;
    }

    public static SmbProtocolException invalid(String message) {
        return new SmbProtocolException(NtStatus.INVALID_PARAMETER, message);
    }

    public int status() {
        return status;
    }

    public boolean disconnect() {
        return disconnect;
    }
}
