package io.bucketfs.nfs.v4.ops;

import io.bucketfs.nfs.v4.CompoundContext;
import io.bucketfs.nfs.v4.Nfs4Exception;
import org.dcache.oncrpc4j.xdr.XdrEncodingStream;

/** The arguments of one operation of a COMPOUND ({@code nfs_argop4}, RFC 8881 16.2), and what it does. */
public interface OpArgs {

    int opcode();

    /** Encodes the arguments, without the opcode (test clients). */
    void encode(XdrEncodingStream out);

    /** Runs the operation: a result (which may carry a failure status) or an exception for a plain failure. */
    OpRes execute(CompoundContext ctx) throws Nfs4Exception;
}
