package io.bucketfs.nfs.v4.ops;

import io.bucketfs.nfs.v4.CompoundContext;
import io.bucketfs.nfs.v4.Nfs4Errors;
import io.bucketfs.nfs.v4.Nfs4Exception;
import io.bucketfs.nfs.v4.Node;
import io.bucketfs.nfs.v4.NfsStat4;
import io.bucketfs.nfs.v4.xdr.XdrUtil;
import io.bucketfs.vfs.Access;
import org.dcache.oncrpc4j.rpc.OncRpcException;
import org.dcache.oncrpc4j.xdr.XdrDecodingStream;
import org.dcache.oncrpc4j.xdr.XdrEncodingStream;

/**
 * RFC 8881 18.1 ACCESS: which of the asked ACCESS4_* bits (the same values as the VFS {@link Access} bits) the
 * caller has. On a read-only export or the pseudo root, modify/extend/delete are never granted.
 */
public final class OpAccess {

    private static final int WRITE_BITS = Access.MODIFY | Access.EXTEND | Access.DELETE;

    private OpAccess() {
    }

    public record Args(int access) implements OpArgs {
        @Override
        public int opcode() {
            return OpCode.ACCESS;
        }

        @Override
        public void encode(XdrEncodingStream out) {
            out.xdrEncodeInt(access);
        }

        @Override
        public OpRes execute(CompoundContext ctx) throws Nfs4Exception {
            Node n = ctx.current();
            int asked = access & Access.ALL;
            int granted;
            if (n.isPseudoRoot()) {
                granted = asked & (Access.READ | Access.LOOKUP | Access.EXECUTE);
            } else {
                granted = Nfs4Errors.vfs(() -> n.vfs().access(ctx.caller(n), n.handle(), asked));
                if (n.export().rules().readOnly()) {
                    granted &= ~WRITE_BITS;
                }
            }
            return new Res(NfsStat4.NFS4_OK, asked, granted);
        }
    }

    public record Res(int status, int supported, int access) implements OpRes {
        @Override
        public int opcode() {
            return OpCode.ACCESS;
        }

        @Override
        public void encode(XdrEncodingStream out) {
            out.xdrEncodeInt(status);
            out.xdrEncodeInt(supported);
            out.xdrEncodeInt(access);
        }
    }

    public static Args decode(XdrDecodingStream in) throws OncRpcException {
        return new Args(XdrUtil.u32(in));
    }

    public static OpRes decodeRes(XdrDecodingStream in) throws OncRpcException {
        int status = XdrUtil.u32(in);
        return status != NfsStat4.NFS4_OK ? new StatusRes(OpCode.ACCESS, status)
                : new Res(status, XdrUtil.u32(in), XdrUtil.u32(in));
    }
}
