package io.bucketfs.nfs.v3.xdr;

import io.bucketfs.nfs.v3.Nfs3Args;
import java.io.IOException;
import org.dcache.oncrpc4j.xdr.XdrDecodingStream;
import org.dcache.oncrpc4j.xdr.XdrEncodingStream;

/**
 * Arguments that are one file handle: GETATTR3args, READLINK3args, FSSTAT3args, FSINFO3args, PATHCONF3args
 * (RFC 1813 sections 3.3.1, 3.3.5, 3.3.18–3.3.20).
 */
public final class FhArgs3 implements Nfs3Args {

    public byte[] fh;

    public FhArgs3() {
    }

    public FhArgs3(byte[] fh) {
        this.fh = fh;
    }

    @Override
    public byte[] handle() {
        return fh;
    }

    @Override
    public void xdrEncode(XdrEncodingStream x) {
        x.xdrEncodeDynamicOpaque(fh);
    }

    @Override
    public void xdrDecode(XdrDecodingStream x) throws IOException {
        fh = Nfs3Xdr.fh(x);
    }
}
