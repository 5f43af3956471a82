package io.bucketfs.nfs.v4.ops;

import io.bucketfs.nfs.v4.CompoundContext;
import io.bucketfs.nfs.v4.Nfs4Exception;
import io.bucketfs.nfs.v4.xdr.XdrUtil;
import org.dcache.oncrpc4j.rpc.OncRpcException;
import org.dcache.oncrpc4j.xdr.XdrDecodingStream;
import org.dcache.oncrpc4j.xdr.XdrEncodingStream;

/**
 * RFC 8881 18.45 SECINFO_NO_NAME: the flavours for the current file (style 0) or its parent (style 1); consumes
 * the current file handle.
 */
public final class OpSecinfoNoName {

    private OpSecinfoNoName() {
    }

    /** @param style {@code SECINFO_STYLE4_CURRENT_FH} (0) or {@code SECINFO_STYLE4_PARENT} (1) */
    public record Args(int style) implements OpArgs {
        @Override
        public int opcode() {
            return OpCode.SECINFO_NO_NAME;
        }

        @Override
        public void encode(XdrEncodingStream out) {
            out.xdrEncodeInt(style);
        }

        @Override
        public OpRes execute(CompoundContext ctx) throws Nfs4Exception {
            ctx.current();
            ctx.clearCurrent();
            return SecinfoRes.offered(OpCode.SECINFO_NO_NAME);
        }
    }

    public static Args decode(XdrDecodingStream in) throws OncRpcException {
        int style = XdrUtil.u32(in);
        if (style != 0 && style != 1) {
            throw new XdrUtil.BadXdr("secinfo_style4 " + style);
        }
        return new Args(style);
    }
}
