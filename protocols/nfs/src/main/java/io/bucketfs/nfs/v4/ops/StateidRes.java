package io.bucketfs.nfs.v4.ops;

import io.bucketfs.nfs.v4.NfsStat4;
import io.bucketfs.nfs.v4.xdr.Stateid4;
import io.bucketfs.nfs.v4.xdr.XdrUtil;
import org.dcache.oncrpc4j.rpc.OncRpcException;
import org.dcache.oncrpc4j.xdr.XdrDecodingStream;
import org.dcache.oncrpc4j.xdr.XdrEncodingStream;

/**
 * A result carrying a stateid on success: CLOSE (RFC 8881 18.2), OPEN_DOWNGRADE (18.18), LOCKU (18.12),
 * OPEN_CONFIRM (RFC 7530 16.18).
 */
public record StateidRes(int opcode, int status, Stateid4 stateid) implements OpRes {

    @Override
    public void encode(XdrEncodingStream out) {
        out.xdrEncodeInt(status);
        stateid.encode(out);
    }

    public static OpRes decode(int opcode, XdrDecodingStream in) throws OncRpcException {
        int status = XdrUtil.u32(in);
        return status != NfsStat4.NFS4_OK ? new StatusRes(opcode, status)
                : new StateidRes(opcode, status, Stateid4.decode(in));
    }
}
