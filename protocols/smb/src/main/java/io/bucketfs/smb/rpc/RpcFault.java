package io.bucketfs.smb.rpc;

/**
 * A call answered with a FAULT PDU ([C706] 12.6.4.7, [MS-RPCE] 2.2.2.11 and 3.1.1.5.5) instead of a RESPONSE;
 * {@link #status()} is the fault status.
 */
public final class RpcFault extends Exception {
    /** [MS-RPCE] 2.2.2.11: the opnum is out of the interface's range. */
    public static final int NCA_S_OP_RNG_ERROR = 0x1C010002;
    /** The call names an interface (presentation context) not bound on the association. */
    public static final int NCA_S_UNK_IF = 0x1C010003;
    /** A PDU that violates the connection-oriented protocol. */
    public static final int NCA_S_PROTO_ERROR = 0x1C01000B;
    /** The union discriminant names no arm. */
    public static final int NCA_S_FAULT_INVALID_TAG = 0x1C000006;
    /** The server cannot hold the call (a request above {@link RpcPipe#MAX_REQUEST_STUB}). */
    public static final int NCA_S_FAULT_REMOTE_NO_MEMORY = 0x1C00001B;
    /** RPC_X_BAD_STUB_DATA: stub data that does not decode. */
    public static final int NCA_S_FAULT_NDR = 0x000006F7;

    private final int status;

    public RpcFault(int status, String message) {
        super(message, null, false, false);
        this.status = status;
    }

    public int status() {
        return status;
    }
}
