package io.bucketfs.vfs;

/**
 * A hook for per-operation metrics of a protocol frontend (the gateway binds it to Micrometer, so the frontends
 * need no metrics library). Each frontend calls it once per operation at its single dispatch point, on the worker
 * thread, after the reply is built. Implementations must be cheap, thread-safe and must not throw.
 */
@FunctionalInterface
public interface OpListener {

    /** Does nothing. */
    OpListener NONE = (protocol, op, nanos, failed) -> { };

    /**
     * One operation finished.
     *
     * @param protocol the frontend and version, e.g. {@code nfs4}, {@code nfs3}, {@code smb2}
     * @param op       the operation's name in its specification, e.g. {@code READ}, {@code CREATE}
     * @param nanos    how long it ran (decoding and encoding excluded)
     * @param failed   whether it answered an error status
     */
    void onOp(String protocol, String op, long nanos, boolean failed);
}
