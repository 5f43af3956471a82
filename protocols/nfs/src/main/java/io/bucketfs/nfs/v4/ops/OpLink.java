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

/**
 * RFC 8881 18.9 LINK: the saved file gets a second name in the current directory. The VFS has no hard links, so
 * this ends in NFS4ERR_NOTSUPP (after the checks that come first: XDEV across exports, ROFS).
 */
public final class OpLink {

    private OpLink() {
    }

    public record Args(String newName) implements OpArgs {
        @Override
        public int opcode() {
            return OpCode.LINK;
        }

        @Override
        public void encode(XdrEncodingStream out) {
            XdrUtil.utf8(out, newName);
        }

        @Override
        public OpRes execute(CompoundContext ctx) throws Nfs4Exception {
            Node file = ctx.saved();
            Node dir = ctx.current();
            ctx.checkWritable(dir);
            if (file.isPseudoRoot() || file.export() != dir.export()) {
                throw new Nfs4Exception(NfsStat4.NFS4ERR_XDEV, "LINK across exports");
            }
            OpLookup.checkName(newName);
            long before = CinfoRes.change(ctx, dir);
            Nfs4Errors.vfs(() -> dir.vfs().link(ctx.caller(dir), file.handle(), dir.handle(), newName));
            return new CinfoRes(OpCode.LINK, NfsStat4.NFS4_OK,
                    new ChangeInfo4(false, before, CinfoRes.change(ctx, dir)));
        }
    }

    public static Args decode(XdrDecodingStream in) throws OncRpcException {
        return new Args(XdrUtil.utf8(in, XdrUtil.MAX_STRING, "component4"));
    }
}
