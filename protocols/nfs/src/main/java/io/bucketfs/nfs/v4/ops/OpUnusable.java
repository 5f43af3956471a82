package io.bucketfs.nfs.v4.ops;

import io.bucketfs.nfs.v4.CompoundContext;
import io.bucketfs.nfs.v4.Nfs4Exception;
import org.dcache.oncrpc4j.xdr.XdrEncodingStream;

/**
 * An operation that cannot run: an opcode this server does not implement (NFS4ERR_NOTSUPP, RFC 8881 15.2), one
 * outside the protocol (NFS4ERR_OP_ILLEGAL, reported as OP_ILLEGAL, RFC 8881 18.52), or arguments that did not
 * decode (NFS4ERR_BADXDR). Its arguments are not decoded; as its result is a failure, the COMPOUND stops there and
 * nothing after it needs decoding either.
 *
 * @param opcode the opcode reported in the result
 * @param status the failure
 * @param reason for the log
 */
public record OpUnusable(int opcode, int status, String reason) implements OpArgs {

    @Override
    public void encode(XdrEncodingStream out) {
    }

    @Override
    public OpRes execute(CompoundContext ctx) throws Nfs4Exception {
        throw new Nfs4Exception(status, reason);
    }
}
