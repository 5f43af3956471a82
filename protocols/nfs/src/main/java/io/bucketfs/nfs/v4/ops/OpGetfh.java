package io.bucketfs.nfs.v4.ops;

import io.bucketfs.nfs.v4.CompoundContext;
import io.bucketfs.nfs.v4.Nfs4Exception;
import io.bucketfs.nfs.v4.NfsStat4;
import io.bucketfs.nfs.v4.xdr.XdrUtil;
import org.dcache.oncrpc4j.rpc.OncRpcException;
import org.dcache.oncrpc4j.xdr.XdrDecodingStream;
import org.dcache.oncrpc4j.xdr.XdrEncodingStream;

/** RFC 8881 18.8 GETFH: the current file's handle. */
public final class OpGetfh {

    private OpGetfh() {
    }

    public record Args() implements OpArgs {
        @Override
        public int opcode() {
            return OpCode.GETFH;
        }

        @Override
        public void encode(XdrEncodingStream out) {
        }

        @Override
        public OpRes execute(CompoundContext ctx) throws Nfs4Exception {
            return new Res(NfsStat4.NFS4_OK, ctx.current().fh());
        }
    }

    /** @param fh the handle (on success) */
    public record Res(int status, byte[] fh) implements OpRes {
        @Override
        public int opcode() {
            return OpCode.GETFH;
        }

        @Override
        public void encode(XdrEncodingStream out) {
            out.xdrEncodeInt(status);
            XdrUtil.opaque(out, fh);
        }
    }

    public static OpRes decodeRes(XdrDecodingStream in) throws OncRpcException {
        int status = XdrUtil.u32(in);
        if (status != NfsStat4.NFS4_OK) {
            return new StatusRes(OpCode.GETFH, status);
        }
        return new Res(status, XdrUtil.opaque(in, XdrUtil.FHSIZE, "nfs_fh4"));
    }
}
