package io.bucketfs.smb.rpc;

import java.util.UUID;

/** An RPC interface served over a pipe: its abstract syntax and the server side of its operations. */
public interface RpcInterface {
    /** The interface UUID of the abstract syntax. */
    UUID uuid();

    /** The interface major version (the low 16 bits of the syntax version). */
    int majorVersion();

    /** The interface minor version (the high 16 bits of the syntax version). */
    int minorVersion();

    /**
     * Runs one call: decodes the [in] parameters from {@code in}, returns the NDR-encoded [out] parameters and
     * return value.
     *
     * @throws RpcFault when the call is answered with a fault (an unknown opnum: {@link RpcFault#NCA_S_OP_RNG_ERROR})
     * @throws NdrException when the stub data does not decode
     */
    byte[] invoke(int opnum, NdrReader in) throws RpcFault, NdrException;
}
