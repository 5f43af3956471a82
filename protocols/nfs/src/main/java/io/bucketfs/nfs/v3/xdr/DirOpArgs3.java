package io.bucketfs.nfs.v3.xdr;

import java.io.IOException;
import org.dcache.oncrpc4j.xdr.XdrDecodingStream;
import org.dcache.oncrpc4j.xdr.XdrEncodingStream;

/**
 * RFC 1813 section 2.6 diropargs3: a directory handle and a name in it. {@code name} is {@code null} when the
 * client sent bytes that are not UTF-8 (answered NFS3ERR_INVAL).
 */
public record DirOpArgs3(byte[] dir, String name) {

    public void encode(XdrEncodingStream x) {
        x.xdrEncodeDynamicOpaque(dir);
        Nfs3Xdr.string(x, name);
    }

    public static DirOpArgs3 decode(XdrDecodingStream x) throws IOException {
        return new DirOpArgs3(Nfs3Xdr.fh(x), Nfs3Xdr.name(x));
    }
}
