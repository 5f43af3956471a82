package io.bucketfs.nfs.v4.xdr;

import java.time.Instant;
import org.dcache.oncrpc4j.rpc.OncRpcException;
import org.dcache.oncrpc4j.xdr.XdrDecodingStream;
import org.dcache.oncrpc4j.xdr.XdrEncodingStream;

/** RFC 8881 3.3.1 {@code nfstime4}: signed 64-bit seconds and unsigned 32-bit nanoseconds (below 10^9). */
public final class NfsTime4 {

    private NfsTime4() {
    }

    public static void encode(XdrEncodingStream out, Instant t) {
        out.xdrEncodeLong(t.getEpochSecond());
        out.xdrEncodeInt(t.getNano());
    }

    public static Instant decode(XdrDecodingStream in) throws OncRpcException {
        long s = XdrUtil.u64(in);
        int n = XdrUtil.u32(in);
        if (n < 0 || n >= 1_000_000_000) {
            throw new XdrUtil.BadXdr("nfstime4 nseconds " + Integer.toUnsignedString(n));
        }
        try {
            return Instant.ofEpochSecond(s, n);
        } catch (java.time.DateTimeException e) {
            throw new XdrUtil.BadXdr("nfstime4 seconds " + s);
        }
    }
}
