package io.bucketfs.nfs.v4;

import io.bucketfs.nfs.v4.ops.OpArgs;
import io.bucketfs.nfs.v4.ops.OpUnusable;
import io.bucketfs.nfs.v4.ops.Ops;
import io.bucketfs.nfs.v4.xdr.XdrUtil;
import java.util.ArrayList;
import java.util.List;
import org.dcache.oncrpc4j.rpc.OncRpcException;
import org.dcache.oncrpc4j.xdr.XdrAble;
import org.dcache.oncrpc4j.xdr.XdrDecodingStream;
import org.dcache.oncrpc4j.xdr.XdrEncodingStream;

/**
 * RFC 8881 16.2.1 {@code COMPOUND4args}: tag, minor version, operations. A header that does not decode fails the
 * whole call (GARBAGE_ARGS); an operation whose arguments do not decode becomes an NFS4ERR_BADXDR operation that
 * ends the list, so the operations before it still run.
 */
public final class CompoundArgs implements XdrAble {

    /** The most operations decoded from one COMPOUND. */
    public static final int MAX_OPERATIONS = 128;

    private byte[] tag = new byte[0];
    private int minorVersion;
    private List<OpArgs> ops = new ArrayList<>();
    private int declaredOps;

    public CompoundArgs() {
    }

    public CompoundArgs(String tag, int minorVersion, List<OpArgs> ops) {
        this.tag = tag.getBytes(java.nio.charset.StandardCharsets.UTF_8);
        this.minorVersion = minorVersion;
        this.ops = List.copyOf(ops);
        this.declaredOps = ops.size();
    }

    public byte[] tag() {
        return tag.clone();
    }

    public int minorVersion() {
        return minorVersion;
    }

    public List<OpArgs> ops() {
        return ops;
    }

    /** How many operations the client said it sent (more than decoded if over {@link #MAX_OPERATIONS}). */
    public int declaredOps() {
        return declaredOps;
    }

    @Override
    public void xdrDecode(XdrDecodingStream in) throws OncRpcException {
        tag = XdrUtil.opaque(in, XdrUtil.MAX_STRING, "tag");
        minorVersion = XdrUtil.u32(in);
        declaredOps = XdrUtil.u32(in);
        if (declaredOps < 0) {
            throw new XdrUtil.BadXdr("operation count " + Integer.toUnsignedString(declaredOps));
        }
        ops = new ArrayList<>();
        int n = Math.min(declaredOps, MAX_OPERATIONS);
        for (int i = 0; i < n; i++) {
            int code;
            try {
                code = XdrUtil.u32(in);
            } catch (OncRpcException e) {
                ops.add(new OpUnusable(io.bucketfs.nfs.v4.ops.OpCode.ILLEGAL, NfsStat4.NFS4ERR_BADXDR,
                        "truncated operation list"));
                return;
            }
            OpArgs a;
            try {
                a = Ops.decodeArgs(code, in);
            } catch (OncRpcException | RuntimeException e) {
                a = new OpUnusable(code, NfsStat4.NFS4ERR_BADXDR, "arguments of operation " + code + ": "
                        + e.getMessage());
            }
            ops.add(a);
            if (a instanceof OpUnusable) {
                return;
            }
        }
    }

    @Override
    public void xdrEncode(XdrEncodingStream out) {
        out.xdrEncodeDynamicOpaque(tag);
        out.xdrEncodeInt(minorVersion);
        out.xdrEncodeInt(ops.size());
        for (OpArgs a : ops) {
            out.xdrEncodeInt(a.opcode());
            a.encode(out);
        }
    }
}
