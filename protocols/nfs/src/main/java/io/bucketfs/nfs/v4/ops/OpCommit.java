package io.bucketfs.nfs.v4.ops;

import io.bucketfs.nfs.v4.CompoundContext;
import io.bucketfs.nfs.v4.Nfs4Errors;
import io.bucketfs.nfs.v4.Nfs4Exception;
import io.bucketfs.nfs.v4.Node;
import io.bucketfs.nfs.v4.NfsStat4;
import io.bucketfs.nfs.v4.xdr.XdrUtil;
import org.dcache.oncrpc4j.rpc.OncRpcException;
import org.dcache.oncrpc4j.xdr.XdrDecodingStream;
import org.dcache.oncrpc4j.xdr.XdrEncodingStream;

/** RFC 8881 18.3 COMMIT: every write to the file so far becomes durable (the whole file, whatever the range). */
public final class OpCommit {

    private OpCommit() {
    }

    public record Args(long offset, int count) implements OpArgs {
        @Override
        public int opcode() {
            return OpCode.COMMIT;
        }

        @Override
        public void encode(XdrEncodingStream out) {
            out.xdrEncodeLong(offset);
            out.xdrEncodeInt(count);
        }

        @Override
        public OpRes execute(CompoundContext ctx) throws Nfs4Exception {
            Node n = ctx.currentInExport(NfsStat4.NFS4ERR_ISDIR);
            long verf = Nfs4Errors.vfs(() -> n.vfs().commit(ctx.caller(n), n.handle()));
            return new Res(NfsStat4.NFS4_OK, verf);
        }
    }

    public record Res(int status, long verifier) implements OpRes {
        @Override
        public int opcode() {
            return OpCode.COMMIT;
        }

        @Override
        public void encode(XdrEncodingStream out) {
            out.xdrEncodeInt(status);
            out.xdrEncodeLong(verifier);
        }
    }

    public static Args decode(XdrDecodingStream in) throws OncRpcException {
        return new Args(XdrUtil.u64(in), XdrUtil.u32(in));
    }

    public static OpRes decodeRes(XdrDecodingStream in) throws OncRpcException {
        int status = XdrUtil.u32(in);
        return status != NfsStat4.NFS4_OK ? new StatusRes(OpCode.COMMIT, status) : new Res(status, XdrUtil.u64(in));
    }
}
