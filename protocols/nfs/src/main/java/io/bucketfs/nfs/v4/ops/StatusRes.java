package io.bucketfs.nfs.v4.ops;

import io.bucketfs.nfs.v4.xdr.XdrUtil;
import org.dcache.oncrpc4j.rpc.OncRpcException;
import org.dcache.oncrpc4j.xdr.XdrDecodingStream;
import org.dcache.oncrpc4j.xdr.XdrEncodingStream;

/** A result that is only a status: every failure without a body, and operations whose success carries nothing. */
public record StatusRes(int opcode, int status) implements OpRes {

    @Override
    public void encode(XdrEncodingStream out) {
        out.xdrEncodeInt(status);
    }

    public static StatusRes decode(int opcode, XdrDecodingStream in) throws OncRpcException {
        return new StatusRes(opcode, XdrUtil.u32(in));
    }
}
