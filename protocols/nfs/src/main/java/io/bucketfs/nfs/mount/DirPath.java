package io.bucketfs.nfs.mount;

import io.bucketfs.nfs.v3.xdr.Nfs3Xdr;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import org.dcache.oncrpc4j.xdr.XdrAble;
import org.dcache.oncrpc4j.xdr.XdrDecodingStream;
import org.dcache.oncrpc4j.xdr.XdrEncodingStream;

/**
 * RFC 1813 Appendix I, dirpath: the argument of MNT and UMNT, at most {@value #MNTPATHLEN} bytes (longer is
 * garbage). {@code path} is {@code null} when the bytes are not UTF-8.
 */
public final class DirPath implements XdrAble {

    /** MNTPATHLEN. */
    public static final int MNTPATHLEN = 1024;

    public String path;

    public DirPath() {
    }

    public DirPath(String path) {
        this.path = path;
    }

    @Override
    public void xdrEncode(XdrEncodingStream x) {
        x.xdrEncodeDynamicOpaque(path.getBytes(StandardCharsets.UTF_8));
    }

    @Override
    public void xdrDecode(XdrDecodingStream x) throws IOException {
        path = Nfs3Xdr.path(x, MNTPATHLEN);
    }
}
