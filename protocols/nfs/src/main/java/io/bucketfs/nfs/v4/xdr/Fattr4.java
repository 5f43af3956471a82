package io.bucketfs.nfs.v4.xdr;

import org.dcache.oncrpc4j.rpc.OncRpcException;
import org.dcache.oncrpc4j.xdr.XdrDecodingStream;
import org.dcache.oncrpc4j.xdr.XdrEncodingStream;

/**
 * RFC 8881 3.3.5 {@code fattr4}: the mask of attributes present and their values, XDR-encoded back to back in
 * bit order inside one opaque. {@code io.bucketfs.nfs.v4.attr} encodes and decodes the values.
 *
 * @param mask which attributes {@code values} holds
 * @param values the encoded values
 */
public record Fattr4(Bitmap4 mask, byte[] values) {

    /** The largest attribute block accepted from a client. */
    public static final int MAX_VALUES = 64 << 10;

    public static final Fattr4 EMPTY = new Fattr4(Bitmap4.EMPTY, new byte[0]);

    public static Fattr4 decode(XdrDecodingStream in) throws OncRpcException {
        Bitmap4 mask = Bitmap4.decode(in);
        return new Fattr4(mask, XdrUtil.opaque(in, MAX_VALUES, "attrlist4"));
    }

    public void encode(XdrEncodingStream out) {
        mask.encode(out);
        out.xdrEncodeDynamicOpaque(values);
    }
}
