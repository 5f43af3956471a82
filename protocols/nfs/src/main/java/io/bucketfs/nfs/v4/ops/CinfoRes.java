package io.bucketfs.nfs.v4.ops;

import io.bucketfs.nfs.v4.CompoundContext;
import io.bucketfs.nfs.v4.Nfs4Exception;
import io.bucketfs.nfs.v4.Node;
import io.bucketfs.nfs.v4.NfsStat4;
import io.bucketfs.nfs.v4.xdr.ChangeInfo4;
import io.bucketfs.nfs.v4.xdr.XdrUtil;
import org.dcache.oncrpc4j.rpc.OncRpcException;
import org.dcache.oncrpc4j.xdr.XdrDecodingStream;
import org.dcache.oncrpc4j.xdr.XdrEncodingStream;

/** A result carrying one {@code change_info4} on success: REMOVE (RFC 8881 18.25) and LINK (18.9). */
public record CinfoRes(int opcode, int status, ChangeInfo4 cinfo) implements OpRes {

    @Override
    public void encode(XdrEncodingStream out) {
        out.xdrEncodeInt(status);
        cinfo.encode(out);
    }

    public static OpRes decode(int opcode, XdrDecodingStream in) throws OncRpcException {
        int status = XdrUtil.u32(in);
        return status != NfsStat4.NFS4_OK ? new StatusRes(opcode, status)
                : new CinfoRes(opcode, status, ChangeInfo4.decode(in));
    }

    /** A directory's change attribute, for {@code change_info4}. */
    static long change(CompoundContext ctx, Node dir) throws Nfs4Exception {
        return ctx.getattr(dir).change();
    }
}
