package io.bucketfs.nfs.v4.ops;

import io.bucketfs.nfs.v4.CompoundContext;
import io.bucketfs.nfs.v4.Nfs4Errors;
import io.bucketfs.nfs.v4.Nfs4Exception;
import io.bucketfs.nfs.v4.Node;
import io.bucketfs.nfs.v4.NfsStat4;
import io.bucketfs.nfs.v4.xdr.Stateid4;
import io.bucketfs.nfs.v4.xdr.XdrUtil;
import io.bucketfs.vfs.Attr;
import io.bucketfs.vfs.SetAttr;
import java.nio.ByteBuffer;
import org.dcache.oncrpc4j.rpc.OncRpcException;
import org.dcache.oncrpc4j.xdr.XdrDecodingStream;
import org.dcache.oncrpc4j.xdr.XdrEncodingStream;

/**
 * RFC 7862 15.1 ALLOCATE and 15.4 DEALLOCATE (NFSv4.2). Objects have no blocks to reserve: ALLOCATE grows a file
 * to cover the range (with zeros) and otherwise succeeds; DEALLOCATE punches a hole by writing zeros over the part
 * of the range inside the file, which reads back exactly as a hole would.
 */
public final class OpAllocate {

    private static final int ZERO_CHUNK = 1 << 20;

    private OpAllocate() {
    }

    /** @param deallocate DEALLOCATE rather than ALLOCATE */
    public record Args(boolean deallocate, Stateid4 stateid, long offset, long length) implements OpArgs {
        @Override
        public int opcode() {
            return deallocate ? OpCode.DEALLOCATE : OpCode.ALLOCATE;
        }

        @Override
        public void encode(XdrEncodingStream out) {
            stateid.encode(out);
            out.xdrEncodeLong(offset);
            out.xdrEncodeLong(length);
        }

        @Override
        public OpRes execute(CompoundContext ctx) throws Nfs4Exception {
            Node n = ctx.currentInExport(NfsStat4.NFS4ERR_ISDIR);
            ctx.checkWritable(n);
            IoStateCheck.check(ctx, stateid, n, true);
            long end = offset + length;
            if (offset < 0 || length < 0 || end < 0) {
                throw new Nfs4Exception(NfsStat4.NFS4ERR_INVAL, "range beyond 2^63");
            }
            Attr a = ctx.getattr(n);
            if (a.type() != io.bucketfs.vfs.FileType.REGULAR) {
                throw new Nfs4Exception(NfsStat4.NFS4ERR_WRONG_TYPE, "on a " + a.type());
            }
            if (!deallocate && end > a.size()) {
                Nfs4Errors.vfs(() -> n.vfs().setattr(ctx.caller(n), n.handle(), SetAttr.NONE.withSize(end), null));
            } else if (deallocate) {
                zero(ctx, n, offset, Math.min(end, a.size()));
            }
            return new StatusRes(opcode(), NfsStat4.NFS4_OK);
        }

        private static void zero(CompoundContext ctx, Node n, long from, long to) throws Nfs4Exception {
            ByteBuffer zeros = ByteBuffer.allocate((int) Math.min(ZERO_CHUNK, Math.max(0, to - from)));
            for (long pos = from; pos < to; pos += zeros.capacity()) {
                ByteBuffer b = zeros.duplicate();
                b.limit((int) Math.min(b.capacity(), to - pos));
                long at = pos;
                Nfs4Errors.vfs(() -> n.vfs().write(ctx.caller(n), n.handle(), at, b,
                        io.bucketfs.vfs.Stability.UNSTABLE));
            }
        }
    }

    public static Args decode(boolean deallocate, XdrDecodingStream in) throws OncRpcException {
        return new Args(deallocate, Stateid4.decode(in), XdrUtil.u64(in), XdrUtil.u64(in));
    }
}
