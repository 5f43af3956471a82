package io.bucketfs.nfs.mount;

import io.bucketfs.nfs.v3.xdr.Nfs3Xdr;
import java.io.IOException;
import java.util.ArrayList;
import java.util.List;
import org.dcache.oncrpc4j.xdr.XdrAble;
import org.dcache.oncrpc4j.xdr.XdrDecodingStream;
import org.dcache.oncrpc4j.xdr.XdrEncodingStream;

/** RFC 1813 Appendix I, procedure 2 DUMP result mountlist: {@code mountbody {name ml_hostname; dirpath ml_directory}}. */
public final class MountList implements XdrAble {

    /** One mount a client announced. */
    public record Body(String host, String dir) {
    }

    public List<Body> mounts = new ArrayList<>();

    public MountList() {
    }

    public MountList(List<Body> mounts) {
        this.mounts = mounts;
    }

    @Override
    public void xdrEncode(XdrEncodingStream x) {
        for (Body b : mounts) {
            x.xdrEncodeBoolean(true);
            Nfs3Xdr.string(x, b.host());
            Nfs3Xdr.string(x, b.dir());
        }
        x.xdrEncodeBoolean(false);
    }

    @Override
    public void xdrDecode(XdrDecodingStream x) throws IOException {
        while (Nfs3Xdr.bool(x)) {
            mounts.add(new Body(Nfs3Xdr.path(x, MountProgram.MNTNAMLEN), Nfs3Xdr.path(x, DirPath.MNTPATHLEN)));
        }
    }
}
