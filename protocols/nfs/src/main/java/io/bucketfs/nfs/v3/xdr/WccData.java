package io.bucketfs.nfs.v3.xdr;

import io.bucketfs.vfs.Attr;
import java.io.IOException;
import java.time.Instant;
import org.dcache.oncrpc4j.xdr.XdrDecodingStream;
import org.dcache.oncrpc4j.xdr.XdrEncodingStream;

/**
 * RFC 1813 section 2.6 wcc_data: weak cache consistency data, the {@code pre_op_attr} (a {@link Before}: size,
 * mtime, ctime before the operation, or absent) and the {@code post_op_attr} after it (or absent).
 */
public record WccData(Before before, Fattr3 after) {

    /** No attributes at all. */
    public static final WccData NONE = new WccData(null, null);

    /** wcc_attr (RFC 1813 section 2.6). */
    public record Before(long size, Instant mtime, Instant ctime) {

        public static Before of(Attr a) {
            return a == null ? null : new Before(a.size(), a.mtime(), a.ctime());
        }
    }

    public void encode(XdrEncodingStream x) {
        x.xdrEncodeBoolean(before != null);
        if (before != null) {
            x.xdrEncodeLong(before.size());
            Nfs3Xdr.time(x, before.mtime());
            Nfs3Xdr.time(x, before.ctime());
        }
        Fattr3.encodeOpt(x, after);
    }

    public static WccData decode(XdrDecodingStream x) throws IOException {
        Before b = null;
        if (Nfs3Xdr.bool(x)) {
            b = new Before(x.xdrDecodeLong(), Nfs3Xdr.time(x), Nfs3Xdr.time(x));
        }
        return new WccData(b, Fattr3.decodeOpt(x));
    }
}
