package io.bucketfs.nfs.v4.ops;

import io.bucketfs.nfs.v4.CompoundContext;
import io.bucketfs.nfs.v4.Nfs4Errors;
import io.bucketfs.nfs.v4.Nfs4Exception;
import io.bucketfs.nfs.v4.Node;
import io.bucketfs.nfs.v4.NfsStat4;
import io.bucketfs.nfs.v4.xdr.Stateid4;
import io.bucketfs.nfs.v4.xdr.XdrUtil;
import io.bucketfs.vfs.Stability;
import io.bucketfs.vfs.WriteResult;
import java.nio.ByteBuffer;
import org.dcache.oncrpc4j.rpc.OncRpcException;
import org.dcache.oncrpc4j.xdr.XdrDecodingStream;
import org.dcache.oncrpc4j.xdr.XdrEncodingStream;

/**
 * RFC 8881 18.32 WRITE: {@code stable_how4} UNSTABLE4 (0), DATA_SYNC4 (1), FILE_SYNC4 (2) map onto the VFS
 * {@link Stability}; the verifier is the VFS write verifier.
 */
public final class OpWrite {

    public static final int UNSTABLE4 = 0;
    public static final int DATA_SYNC4 = 1;
    public static final int FILE_SYNC4 = 2;

    private OpWrite() {
    }

    public record Args(Stateid4 stateid, long offset, int stable, ByteBuffer data) implements OpArgs {
        @Override
        public int opcode() {
            return OpCode.WRITE;
        }

        @Override
        public void encode(XdrEncodingStream out) {
            stateid.encode(out);
            out.xdrEncodeLong(offset);
            out.xdrEncodeInt(stable);
            out.xdrEncodeByteBuffer(data.duplicate());
        }

        @Override
        public OpRes execute(CompoundContext ctx) throws Nfs4Exception {
            Node n = ctx.currentInExport(NfsStat4.NFS4ERR_ISDIR);
            ctx.checkWritable(n);
            IoStateCheck.check(ctx, stateid, n, true);
            if (offset < 0 || offset + data.remaining() < 0) {
                throw new Nfs4Exception(NfsStat4.NFS4ERR_FBIG, "write beyond 2^63");
            }
            Stability how = switch (stable) {
                case UNSTABLE4 -> Stability.UNSTABLE;
                case DATA_SYNC4 -> Stability.DATA_SYNC;
                default -> Stability.FILE_SYNC;
            };
            io.bucketfs.nfs.LeaseBreaks.beforeWrite(n.vfs(), n.handle().fileId());
            WriteResult w = Nfs4Errors.vfs(() -> n.vfs().write(ctx.caller(n), n.handle(), offset,
                    data.duplicate(), how));
            int committed = switch (w.stability()) {
                case UNSTABLE -> UNSTABLE4;
                case DATA_SYNC -> DATA_SYNC4;
                case FILE_SYNC -> FILE_SYNC4;
            };
            return new Res(NfsStat4.NFS4_OK, w.count(), committed, w.verifier());
        }
    }

    public record Res(int status, int count, int committed, long verifier) implements OpRes {
        @Override
        public int opcode() {
            return OpCode.WRITE;
        }

        @Override
        public void encode(XdrEncodingStream out) {
            out.xdrEncodeInt(status);
            out.xdrEncodeInt(count);
            out.xdrEncodeInt(committed);
            out.xdrEncodeLong(verifier);
        }
    }

    public static Args decode(XdrDecodingStream in) throws OncRpcException {
        Stateid4 sid = Stateid4.decode(in);
        long offset = XdrUtil.u64(in);
        int stable = XdrUtil.u32(in);
        if (stable < 0 || stable > FILE_SYNC4) {
            throw new XdrUtil.BadXdr("stable_how4 " + stable);
        }
        return new Args(sid, offset, stable, XdrUtil.byteBuffer(in, "data"));
    }

    public static OpRes decodeRes(XdrDecodingStream in) throws OncRpcException {
        int status = XdrUtil.u32(in);
        return status != NfsStat4.NFS4_OK ? new StatusRes(OpCode.WRITE, status)
                : new Res(status, XdrUtil.u32(in), XdrUtil.u32(in), XdrUtil.u64(in));
    }
}
