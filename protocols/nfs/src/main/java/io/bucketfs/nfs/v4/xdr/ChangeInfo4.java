package io.bucketfs.nfs.v4.xdr;

import org.dcache.oncrpc4j.rpc.OncRpcException;
import org.dcache.oncrpc4j.xdr.XdrDecodingStream;
import org.dcache.oncrpc4j.xdr.XdrEncodingStream;

/**
 * RFC 8881 3.3.6 {@code change_info4}: the directory's change attribute before and after an operation.
 *
 * @param atomic whether nothing else changed the directory in between (this server says false)
 */
public record ChangeInfo4(boolean atomic, long before, long after) {

    public void encode(XdrEncodingStream out) {
        out.xdrEncodeBoolean(atomic);
        out.xdrEncodeLong(before);
        out.xdrEncodeLong(after);
    }

    public static ChangeInfo4 decode(XdrDecodingStream in) throws OncRpcException {
        return new ChangeInfo4(XdrUtil.bool(in), XdrUtil.u64(in), XdrUtil.u64(in));
    }
}
