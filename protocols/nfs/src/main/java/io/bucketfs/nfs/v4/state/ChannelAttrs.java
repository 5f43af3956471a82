package io.bucketfs.nfs.v4.state;

import io.bucketfs.nfs.v4.xdr.XdrUtil;
import org.dcache.oncrpc4j.rpc.OncRpcException;
import org.dcache.oncrpc4j.xdr.XdrDecodingStream;
import org.dcache.oncrpc4j.xdr.XdrEncodingStream;

/** RFC 8881 18.36.1 {@code channel_attrs4}; {@code rdmaIrd} is the optional {@code ca_rdma_ird<1>}. */
public record ChannelAttrs(int headerPadSize, int maxRequestSize, int maxResponseSize, int maxResponseSizeCached,
        int maxOperations, int maxRequests, int[] rdmaIrd) {

    public static ChannelAttrs decode(XdrDecodingStream in) throws OncRpcException {
        int pad = XdrUtil.u32(in);
        int req = XdrUtil.u32(in);
        int resp = XdrUtil.u32(in);
        int cached = XdrUtil.u32(in);
        int ops = XdrUtil.u32(in);
        int reqs = XdrUtil.u32(in);
        int n = XdrUtil.length(in, 1, "ca_rdma_ird");
        int[] ird = new int[n];
        for (int i = 0; i < n; i++) {
            ird[i] = XdrUtil.u32(in);
        }
        return new ChannelAttrs(pad, req, resp, cached, ops, reqs, ird);
    }

    public void encode(XdrEncodingStream out) {
        out.xdrEncodeInt(headerPadSize);
        out.xdrEncodeInt(maxRequestSize);
        out.xdrEncodeInt(maxResponseSize);
        out.xdrEncodeInt(maxResponseSizeCached);
        out.xdrEncodeInt(maxOperations);
        out.xdrEncodeInt(maxRequests);
        out.xdrEncodeIntVector(rdmaIrd);
    }
}
