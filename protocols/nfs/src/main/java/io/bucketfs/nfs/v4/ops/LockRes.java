package io.bucketfs.nfs.v4.ops;

import io.bucketfs.nfs.v4.NfsStat4;
import io.bucketfs.nfs.v4.xdr.Stateid4;
import io.bucketfs.nfs.v4.xdr.XdrUtil;
import org.dcache.oncrpc4j.rpc.OncRpcException;
import org.dcache.oncrpc4j.xdr.XdrDecodingStream;
import org.dcache.oncrpc4j.xdr.XdrEncodingStream;

/**
 * RFC 8881 18.10.2 {@code LOCK4res} and 18.11.2 {@code LOCKT4res}: a lock stateid on success (LOCK only), the
 * conflicting lock on NFS4ERR_DENIED.
 *
 * @param stateid for LOCK success, else null
 * @param denied for NFS4ERR_DENIED, else null
 */
public record LockRes(int opcode, int status, Stateid4 stateid, LockDenied denied) implements OpRes {

    @Override
    public void encode(XdrEncodingStream out) {
        out.xdrEncodeInt(status);
        if (status == NfsStat4.NFS4_OK && stateid != null) {
            stateid.encode(out);
        } else if (status == NfsStat4.NFS4ERR_DENIED) {
            denied.encode(out);
        }
    }

    public static OpRes decode(int opcode, XdrDecodingStream in) throws OncRpcException {
        int status = XdrUtil.u32(in);
        if (status == NfsStat4.NFS4_OK) {
            return new LockRes(opcode, status, opcode == OpCode.LOCK ? Stateid4.decode(in) : null, null);
        }
        if (status == NfsStat4.NFS4ERR_DENIED) {
            return new LockRes(opcode, status, null, LockDenied.decode(in));
        }
        return new StatusRes(opcode, status);
    }
}
