package io.bucketfs.nfs.v3.xdr;

import io.bucketfs.nfs.v3.Nfs3Args;
import java.io.IOException;
import org.dcache.oncrpc4j.xdr.XdrDecodingStream;
import org.dcache.oncrpc4j.xdr.XdrEncodingStream;

/** Arguments that are one diropargs3: LOOKUP3args, REMOVE3args, RMDIR3args (RFC 1813 sections 3.3.3, 3.3.12–13). */
public final class DirOpArgsHolder3 implements Nfs3Args {

    public DirOpArgs3 what;

    public DirOpArgsHolder3() {
    }

    public DirOpArgsHolder3(DirOpArgs3 what) {
        this.what = what;
    }

    @Override
    public byte[] handle() {
        return what.dir();
    }

    @Override
    public void xdrEncode(XdrEncodingStream x) {
        what.encode(x);
    }

    @Override
    public void xdrDecode(XdrDecodingStream x) throws IOException {
        what = DirOpArgs3.decode(x);
    }
}
