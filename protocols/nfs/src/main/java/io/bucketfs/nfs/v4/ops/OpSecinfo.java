package io.bucketfs.nfs.v4.ops;

import io.bucketfs.nfs.v4.CompoundContext;
import io.bucketfs.nfs.v4.Nfs4Exception;
import io.bucketfs.nfs.v4.xdr.XdrUtil;
import org.dcache.oncrpc4j.rpc.OncRpcException;
import org.dcache.oncrpc4j.xdr.XdrDecodingStream;
import org.dcache.oncrpc4j.xdr.XdrEncodingStream;

/** RFC 8881 18.29 SECINFO: the flavours for a name in the current directory; consumes the current file handle. */
public final class OpSecinfo {

    private OpSecinfo() {
    }

    public record Args(String name) implements OpArgs {
        @Override
        public int opcode() {
            return OpCode.SECINFO;
        }

        @Override
        public void encode(XdrEncodingStream out) {
            XdrUtil.utf8(out, name);
        }

        @Override
        public OpRes execute(CompoundContext ctx) throws Nfs4Exception {
            new OpLookup.Args(name).execute(ctx);
            ctx.clearCurrent();
            return SecinfoRes.offered(OpCode.SECINFO);
        }
    }

    public static Args decode(XdrDecodingStream in) throws OncRpcException {
        return new Args(XdrUtil.utf8(in, XdrUtil.MAX_STRING, "component4"));
    }
}
