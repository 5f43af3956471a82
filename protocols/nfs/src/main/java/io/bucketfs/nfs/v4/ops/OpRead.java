package io.bucketfs.nfs.v4.ops;

import io.bucketfs.nfs.v4.CompoundContext;
import io.bucketfs.nfs.v4.Nfs4Errors;
import io.bucketfs.nfs.v4.Nfs4Exception;
import io.bucketfs.nfs.v4.Node;
import io.bucketfs.nfs.v4.NfsStat4;
import io.bucketfs.nfs.v4.xdr.Stateid4;
import io.bucketfs.nfs.v4.xdr.XdrUtil;
import io.bucketfs.vfs.ReadResult;
import java.nio.ByteBuffer;
import org.dcache.oncrpc4j.rpc.OncRpcException;
import org.dcache.oncrpc4j.xdr.XdrDecodingStream;
import org.dcache.oncrpc4j.xdr.XdrEncodingStream;

/** RFC 8881 18.22 READ: up to {@code count} bytes (capped at maxread) at {@code offset}. */
public final class OpRead {

    private OpRead() {
    }

    public record Args(Stateid4 stateid, long offset, int count) implements OpArgs {
        @Override
        public int opcode() {
            return OpCode.READ;
        }

        @Override
        public void encode(XdrEncodingStream out) {
            stateid.encode(out);
            out.xdrEncodeLong(offset);
            out.xdrEncodeInt(count);
        }

        @Override
        public OpRes execute(CompoundContext ctx) throws Nfs4Exception {
            Node n = ctx.currentInExport(NfsStat4.NFS4ERR_ISDIR);
            IoStateCheck.check(ctx, stateid, n, false);
            if (offset < 0) {
                return new Res(NfsStat4.NFS4_OK, true, ByteBuffer.allocate(0));
            }
            int len = (int) Math.min(Integer.toUnsignedLong(count), ctx.service().settings().maxIoBytes());
            ByteBuffer dst = ByteBuffer.allocate(len);
            ReadResult r = Nfs4Errors.vfs(() -> n.vfs().read(ctx.caller(n), n.handle(), offset, dst));
            dst.flip();
            return new Res(NfsStat4.NFS4_OK, r.eof(), dst);
        }
    }

    /** @param data the bytes read (position to limit); encoding does not consume it, so a reply can be resent */
    public record Res(int status, boolean eof, ByteBuffer data) implements OpRes {
        @Override
        public int opcode() {
            return OpCode.READ;
        }

        @Override
        public void encode(XdrEncodingStream out) {
            out.xdrEncodeInt(status);
            out.xdrEncodeBoolean(eof);
            out.xdrEncodeByteBuffer(data.duplicate());
        }
    }

    public static Args decode(XdrDecodingStream in) throws OncRpcException {
        return new Args(Stateid4.decode(in), XdrUtil.u64(in), XdrUtil.u32(in));
    }

    public static OpRes decodeRes(XdrDecodingStream in) throws OncRpcException {
        int status = XdrUtil.u32(in);
        if (status != NfsStat4.NFS4_OK) {
            return new StatusRes(OpCode.READ, status);
        }
        boolean eof = XdrUtil.bool(in);
        return new Res(status, eof, XdrUtil.byteBuffer(in, "data"));
    }
}
