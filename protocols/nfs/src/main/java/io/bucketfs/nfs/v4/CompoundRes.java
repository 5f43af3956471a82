package io.bucketfs.nfs.v4;

import io.bucketfs.nfs.v4.ops.OpRes;
import io.bucketfs.nfs.v4.ops.Ops;
import io.bucketfs.nfs.v4.xdr.XdrUtil;
import java.util.ArrayList;
import java.util.List;
import org.dcache.oncrpc4j.rpc.OncRpcException;
import org.dcache.oncrpc4j.xdr.XdrAble;
import org.dcache.oncrpc4j.xdr.XdrDecodingStream;
import org.dcache.oncrpc4j.xdr.XdrEncodingStream;

/**
 * RFC 8881 16.2.2 {@code COMPOUND4res}: the status of the last operation run, the tag echoed, and the results.
 * Immutable once built, so a session slot can resend it.
 */
public final class CompoundRes implements XdrAble {

    private int status;
    private byte[] tag;
    private List<OpRes> results;

    public CompoundRes() {
        this(0, new byte[0], List.of());
    }

    public CompoundRes(int status, byte[] tag, List<OpRes> results) {
        this.status = status;
        this.tag = tag.clone();
        this.results = List.copyOf(results);
    }

    public int status() {
        return status;
    }

    public List<OpRes> results() {
        return results;
    }

    /** The result of the first operation with this opcode, or null. */
    @SuppressWarnings("unchecked")
    public <T extends OpRes> T result(int opcode) {
        return (T) results.stream().filter(r -> r.opcode() == opcode).findFirst().orElse(null);
    }

    @Override
    public void xdrEncode(XdrEncodingStream out) {
        out.xdrEncodeInt(status);
        out.xdrEncodeDynamicOpaque(tag);
        out.xdrEncodeInt(results.size());
        for (OpRes r : results) {
            out.xdrEncodeInt(r.opcode());
            r.encode(out);
        }
    }

    @Override
    public void xdrDecode(XdrDecodingStream in) throws OncRpcException {
        status = XdrUtil.u32(in);
        tag = XdrUtil.opaque(in, XdrUtil.MAX_STRING, "tag");
        int n = XdrUtil.length(in, CompoundArgs.MAX_OPERATIONS, "resarray");
        List<OpRes> l = new ArrayList<>(n);
        for (int i = 0; i < n; i++) {
            l.add(Ops.decodeRes(XdrUtil.u32(in), in));
        }
        results = List.copyOf(l);
    }
}
