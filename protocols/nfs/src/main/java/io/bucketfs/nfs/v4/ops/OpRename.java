package io.bucketfs.nfs.v4.ops;

import io.bucketfs.nfs.v4.CompoundContext;
import io.bucketfs.nfs.v4.Nfs4Errors;
import io.bucketfs.nfs.v4.Nfs4Exception;
import io.bucketfs.nfs.v4.Node;
import io.bucketfs.nfs.v4.NfsStat4;
import io.bucketfs.nfs.v4.xdr.ChangeInfo4;
import io.bucketfs.nfs.v4.xdr.XdrUtil;
import org.dcache.oncrpc4j.rpc.OncRpcException;
import org.dcache.oncrpc4j.xdr.XdrDecodingStream;
import org.dcache.oncrpc4j.xdr.XdrEncodingStream;

/** RFC 8881 18.26 RENAME: {@code oldname} in the saved directory to {@code newname} in the current one. */
public final class OpRename {

    private OpRename() {
    }

    public record Args(String oldName, String newName) implements OpArgs {
        @Override
        public int opcode() {
            return OpCode.RENAME;
        }

        @Override
        public void encode(XdrEncodingStream out) {
            XdrUtil.utf8(out, oldName);
            XdrUtil.utf8(out, newName);
        }

        @Override
        public OpRes execute(CompoundContext ctx) throws Nfs4Exception {
            Node from = ctx.saved();
            Node to = ctx.current();
            ctx.checkWritable(from);
            ctx.checkWritable(to);
            if (from.export() != to.export()) {
                throw new Nfs4Exception(NfsStat4.NFS4ERR_XDEV, "RENAME across exports");
            }
            OpLookup.checkName(oldName);
            OpLookup.checkName(newName);
            long fromBefore = CinfoRes.change(ctx, from);
            long toBefore = CinfoRes.change(ctx, to);
            Nfs4Errors.vfs(() -> {
                to.vfs().rename(ctx.caller(to), from.handle(), oldName, to.handle(), newName);
                return null;
            });
            return new Res(NfsStat4.NFS4_OK, new ChangeInfo4(false, fromBefore, CinfoRes.change(ctx, from)),
                    new ChangeInfo4(false, toBefore, CinfoRes.change(ctx, to)));
        }
    }

    public record Res(int status, ChangeInfo4 source, ChangeInfo4 target) implements OpRes {
        @Override
        public int opcode() {
            return OpCode.RENAME;
        }

        @Override
        public void encode(XdrEncodingStream out) {
            out.xdrEncodeInt(status);
            source.encode(out);
            target.encode(out);
        }
    }

    public static Args decode(XdrDecodingStream in) throws OncRpcException {
        return new Args(XdrUtil.utf8(in, XdrUtil.MAX_STRING, "component4"),
                XdrUtil.utf8(in, XdrUtil.MAX_STRING, "component4"));
    }

    public static OpRes decodeRes(XdrDecodingStream in) throws OncRpcException {
        int status = XdrUtil.u32(in);
        return status != NfsStat4.NFS4_OK ? new StatusRes(OpCode.RENAME, status)
                : new Res(status, ChangeInfo4.decode(in), ChangeInfo4.decode(in));
    }
}
