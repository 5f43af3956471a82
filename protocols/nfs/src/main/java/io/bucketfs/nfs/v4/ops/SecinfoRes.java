package io.bucketfs.nfs.v4.ops;

import io.bucketfs.nfs.v4.NfsStat4;
import io.bucketfs.nfs.v4.xdr.XdrUtil;
import org.dcache.oncrpc4j.rpc.OncRpcException;
import org.dcache.oncrpc4j.xdr.XdrDecodingStream;
import org.dcache.oncrpc4j.xdr.XdrEncodingStream;

/**
 * RFC 8881 18.29.2 {@code SECINFO4res}, shared by SECINFO and SECINFO_NO_NAME: this server offers AUTH_SYS (1)
 * and AUTH_NONE (0), neither of which carries RPCSEC_GSS info.
 */
public record SecinfoRes(int opcode, int status, int[] flavors) implements OpRes {

    public static final int AUTH_NONE = 0;
    public static final int AUTH_SYS = 1;

    static SecinfoRes offered(int opcode) {
        return new SecinfoRes(opcode, NfsStat4.NFS4_OK, new int[] {AUTH_SYS, AUTH_NONE});
    }

    @Override
    public void encode(XdrEncodingStream out) {
        out.xdrEncodeInt(status);
        if (status == NfsStat4.NFS4_OK) {
            out.xdrEncodeIntVector(flavors);
        }
    }

    public static OpRes decode(int opcode, XdrDecodingStream in) throws OncRpcException {
        int status = XdrUtil.u32(in);
        if (status != NfsStat4.NFS4_OK) {
            return new StatusRes(opcode, status);
        }
        int n = XdrUtil.length(in, 16, "secinfo4<>");
        int[] f = new int[n];
        for (int i = 0; i < n; i++) {
            f[i] = XdrUtil.u32(in);
            if (f[i] == 6) {
                throw new XdrUtil.BadXdr("RPCSEC_GSS secinfo not expected");
            }
        }
        return new SecinfoRes(opcode, status, f);
    }
}
