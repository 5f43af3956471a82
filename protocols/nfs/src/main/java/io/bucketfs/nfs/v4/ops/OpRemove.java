package io.bucketfs.nfs.v4.ops;

import io.bucketfs.nfs.v4.CompoundContext;
import io.bucketfs.nfs.v4.Nfs4Errors;
import io.bucketfs.nfs.v4.Nfs4Exception;
import io.bucketfs.nfs.v4.Node;
import io.bucketfs.nfs.v4.NfsStat4;
import io.bucketfs.nfs.v4.xdr.ChangeInfo4;
import io.bucketfs.nfs.v4.xdr.XdrUtil;
import io.bucketfs.vfs.Caller;
import io.bucketfs.vfs.VfsException;
import io.bucketfs.vfs.VfsStatus;
import org.dcache.oncrpc4j.rpc.OncRpcException;
import org.dcache.oncrpc4j.xdr.XdrDecodingStream;
import org.dcache.oncrpc4j.xdr.XdrEncodingStream;

/** RFC 8881 18.25 REMOVE: a file, symlink or empty directory of the current directory. */
public final class OpRemove {

    private OpRemove() {
    }

    public record Args(String name) implements OpArgs {
        @Override
        public int opcode() {
            return OpCode.REMOVE;
        }

        @Override
        public void encode(XdrEncodingStream out) {
            XdrUtil.utf8(out, name);
        }

        @Override
        public OpRes execute(CompoundContext ctx) throws Nfs4Exception {
            Node dir = ctx.current();
            ctx.checkWritable(dir);
            OpLookup.checkName(name);
            long before = CinfoRes.change(ctx, dir);
            Caller c = ctx.caller(dir);
            Nfs4Errors.vfs(() -> {
                try {
                    dir.vfs().remove(c, dir.handle(), name);
                } catch (VfsException e) {
                    if (e.status() != VfsStatus.IS_DIRECTORY) {
                        throw e;
                    }
                    dir.vfs().rmdir(c, dir.handle(), name);
                }
                return null;
            });
            return new CinfoRes(OpCode.REMOVE, NfsStat4.NFS4_OK,
                    new ChangeInfo4(false, before, CinfoRes.change(ctx, dir)));
        }
    }

    public static Args decode(XdrDecodingStream in) throws OncRpcException {
        return new Args(XdrUtil.utf8(in, XdrUtil.MAX_STRING, "component4"));
    }
}
