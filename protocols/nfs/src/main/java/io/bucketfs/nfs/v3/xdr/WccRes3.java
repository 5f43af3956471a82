package io.bucketfs.nfs.v3.xdr;

import java.io.IOException;
import org.dcache.oncrpc4j.xdr.XdrAble;
import org.dcache.oncrpc4j.xdr.XdrDecodingStream;
import org.dcache.oncrpc4j.xdr.XdrEncodingStream;

/**
 * The result shape shared by SETATTR3res, REMOVE3res and RMDIR3res (RFC 1813 sections 3.3.2, 3.3.12, 3.3.13):
 * the status and one {@code wcc_data}, the same on success and failure.
 */
public final class WccRes3 implements XdrAble {

    public int status;
    public WccData wcc = WccData.NONE;

    public WccRes3() {
    }

    public WccRes3(int status, WccData wcc) {
        this.status = status;
        this.wcc = wcc;
    }

    @Override
    public void xdrEncode(XdrEncodingStream x) {
        x.xdrEncodeInt(status);
        wcc.encode(x);
    }

    @Override
    public void xdrDecode(XdrDecodingStream x) throws IOException {
        status = x.xdrDecodeInt();
        wcc = WccData.decode(x);
    }
}
