package io.bucketfs.nfs.v4.ops;

import io.bucketfs.nfs.v4.CompoundContext;
import io.bucketfs.nfs.v4.Nfs4Errors;
import io.bucketfs.nfs.v4.Nfs4Exception;
import io.bucketfs.nfs.v4.Node;
import io.bucketfs.nfs.v4.NfsStat4;
import io.bucketfs.nfs.v4.xdr.XdrUtil;
import io.bucketfs.vfs.FileType;
import org.dcache.oncrpc4j.rpc.OncRpcException;
import org.dcache.oncrpc4j.xdr.XdrDecodingStream;
import org.dcache.oncrpc4j.xdr.XdrEncodingStream;

/** RFC 8881 18.24 READLINK: a symlink's target (INVAL for other types). */
public final class OpReadlink {

    private OpReadlink() {
    }

    public record Args() implements OpArgs {
        @Override
        public int opcode() {
            return OpCode.READLINK;
        }

        @Override
        public void encode(XdrEncodingStream out) {
        }

        @Override
        public OpRes execute(CompoundContext ctx) throws Nfs4Exception {
            Node n = ctx.currentInExport(NfsStat4.NFS4ERR_INVAL);
            if (ctx.getattr(n).type() != FileType.SYMLINK) {
                throw new Nfs4Exception(NfsStat4.NFS4ERR_INVAL, "READLINK of a non-symlink");
            }
            return new Res(NfsStat4.NFS4_OK, Nfs4Errors.vfs(() -> n.vfs().readlink(ctx.caller(n), n.handle())));
        }
    }

    public record Res(int status, String target) implements OpRes {
        @Override
        public int opcode() {
            return OpCode.READLINK;
        }

        @Override
        public void encode(XdrEncodingStream out) {
            out.xdrEncodeInt(status);
            XdrUtil.utf8(out, target);
        }
    }

    public static OpRes decodeRes(XdrDecodingStream in) throws OncRpcException {
        int status = XdrUtil.u32(in);
        return status != NfsStat4.NFS4_OK ? new StatusRes(OpCode.READLINK, status)
                : new Res(status, XdrUtil.utf8(in, XdrUtil.MAX_STRING, "linktext4"));
    }
}
