package io.bucketfs.smb.rpc;

/**
 * Stub data that does not decode under [C706] 14 NDR (truncated, inconsistent counts, a bad union
 * discriminant). The call is answered with a fault ({@link RpcFault#NCA_S_FAULT_NDR}) and not executed.
 */
public final class NdrException extends Exception {
    public NdrException(String message) {
        super(message, null, false, false);
    }
}
