package io.bucketfs.nfs.v4.ops;

import io.bucketfs.nfs.v4.CompoundContext;
import io.bucketfs.nfs.v4.Nfs4Exception;
import io.bucketfs.nfs.v4.Node;
import io.bucketfs.nfs.v4.NfsStat4;
import io.bucketfs.nfs.v4.xdr.Bitmap4;
import io.bucketfs.nfs.v4.xdr.Fattr4;
import io.bucketfs.nfs.v4.xdr.XdrUtil;
import org.dcache.oncrpc4j.rpc.OncRpcException;
import org.dcache.oncrpc4j.xdr.XdrDecodingStream;
import org.dcache.oncrpc4j.xdr.XdrEncodingStream;

/** RFC 8881 18.7 GETATTR: the supported subset of the requested attributes of the current file. */
public final class OpGetattr {

    private OpGetattr() {
    }

    public record Args(Bitmap4 request) implements OpArgs {
        @Override
        public int opcode() {
            return OpCode.GETATTR;
        }

        @Override
        public void encode(XdrEncodingStream out) {
            request.encode(out);
        }

        @Override
        public OpRes execute(CompoundContext ctx) throws Nfs4Exception {
            Node n = ctx.current();
            return new Res(NfsStat4.NFS4_OK, ctx.attributes(n, ctx.getattr(n), request));
        }
    }

    public record Res(int status, Fattr4 attrs) implements OpRes {
        @Override
        public int opcode() {
            return OpCode.GETATTR;
        }

        @Override
        public void encode(XdrEncodingStream out) {
            out.xdrEncodeInt(status);
            attrs.encode(out);
        }
    }

    public static Args decode(XdrDecodingStream in) throws OncRpcException {
        return new Args(Bitmap4.decode(in));
    }

    public static OpRes decodeRes(XdrDecodingStream in) throws OncRpcException {
        int status = XdrUtil.u32(in);
        return status != NfsStat4.NFS4_OK ? new StatusRes(OpCode.GETATTR, status) : new Res(status, Fattr4.decode(in));
    }
}
