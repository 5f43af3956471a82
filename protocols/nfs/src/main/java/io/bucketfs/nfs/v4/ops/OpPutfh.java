package io.bucketfs.nfs.v4.ops;

import io.bucketfs.nfs.v4.CompoundContext;
import io.bucketfs.nfs.v4.Nfs4Exception;
import io.bucketfs.nfs.v4.NfsStat4;
import io.bucketfs.nfs.v4.xdr.XdrUtil;
import org.dcache.oncrpc4j.rpc.OncRpcException;
import org.dcache.oncrpc4j.xdr.XdrDecodingStream;
import org.dcache.oncrpc4j.xdr.XdrEncodingStream;

/** RFC 8881 18.19 PUTFH: a handle from the client becomes the current file (BADHANDLE/STALE checked now). */
public final class OpPutfh {

    private OpPutfh() {
    }

    /** @param fh {@code nfs_fh4}, at most {@value XdrUtil#FHSIZE} bytes */
    public record Args(byte[] fh) implements OpArgs {
        @Override
        public int opcode() {
            return OpCode.PUTFH;
        }

        @Override
        public void encode(XdrEncodingStream out) {
            XdrUtil.opaque(out, fh);
        }

        @Override
        public OpRes execute(CompoundContext ctx) throws Nfs4Exception {
            ctx.setCurrent(ctx.resolve(fh));
            return new StatusRes(OpCode.PUTFH, NfsStat4.NFS4_OK);
        }
    }

    public static Args decode(XdrDecodingStream in) throws OncRpcException {
        return new Args(XdrUtil.opaque(in, XdrUtil.FHSIZE, "nfs_fh4"));
    }
}
