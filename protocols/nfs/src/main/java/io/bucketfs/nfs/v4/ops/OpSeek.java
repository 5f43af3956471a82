package io.bucketfs.nfs.v4.ops;

import io.bucketfs.nfs.v4.CompoundContext;
import io.bucketfs.nfs.v4.Nfs4Exception;
import io.bucketfs.nfs.v4.Node;
import io.bucketfs.nfs.v4.NfsStat4;
import io.bucketfs.nfs.v4.xdr.Stateid4;
import io.bucketfs.nfs.v4.xdr.XdrUtil;
import io.bucketfs.vfs.Attr;
import org.dcache.oncrpc4j.rpc.OncRpcException;
import org.dcache.oncrpc4j.xdr.XdrDecodingStream;
import org.dcache.oncrpc4j.xdr.XdrEncodingStream;

/**
 * RFC 7862 15.11 SEEK (NFSv4.2): objects have no holes, so data runs from 0 to the end of the file and the only
 * hole is the implicit one at the end. Seeking data at or past the end is NFS4ERR_NXIO.
 */
public final class OpSeek {

    public static final int NFS4_CONTENT_DATA = 0;
    public static final int NFS4_CONTENT_HOLE = 1;

    private OpSeek() {
    }

    public record Args(Stateid4 stateid, long offset, int what) implements OpArgs {
        @Override
        public int opcode() {
            return OpCode.SEEK;
        }

        @Override
        public void encode(XdrEncodingStream out) {
            stateid.encode(out);
            out.xdrEncodeLong(offset);
            out.xdrEncodeInt(what);
        }

        @Override
        public OpRes execute(CompoundContext ctx) throws Nfs4Exception {
            Node n = ctx.currentInExport(NfsStat4.NFS4ERR_ISDIR);
            IoStateCheck.check(ctx, stateid, n, false);
            Attr a = ctx.getattr(n);
            if (a.type() != io.bucketfs.vfs.FileType.REGULAR) {
                throw new Nfs4Exception(NfsStat4.NFS4ERR_WRONG_TYPE, "SEEK on a " + a.type());
            }
            if (offset < 0 || offset >= a.size()) {
                throw new Nfs4Exception(NfsStat4.NFS4ERR_NXIO, "offset at or past the end");
            }
            return what == NFS4_CONTENT_DATA ? new Res(NfsStat4.NFS4_OK, false, offset)
                    : new Res(NfsStat4.NFS4_OK, true, a.size());
        }
    }

    public record Res(int status, boolean eof, long offset) implements OpRes {
        @Override
        public int opcode() {
            return OpCode.SEEK;
        }

        @Override
        public void encode(XdrEncodingStream out) {
            out.xdrEncodeInt(status);
            out.xdrEncodeBoolean(eof);
            out.xdrEncodeLong(offset);
        }
    }

    public static Args decode(XdrDecodingStream in) throws OncRpcException {
        Stateid4 s = Stateid4.decode(in);
        long off = XdrUtil.u64(in);
        int what = XdrUtil.u32(in);
        if (what != NFS4_CONTENT_DATA && what != NFS4_CONTENT_HOLE) {
            throw new XdrUtil.BadXdr("data_content4 " + what);
        }
        return new Args(s, off, what);
    }

    public static OpRes decodeRes(XdrDecodingStream in) throws OncRpcException {
        int status = XdrUtil.u32(in);
        return status != NfsStat4.NFS4_OK ? new StatusRes(OpCode.SEEK, status)
                : new Res(status, XdrUtil.bool(in), XdrUtil.u64(in));
    }
}
