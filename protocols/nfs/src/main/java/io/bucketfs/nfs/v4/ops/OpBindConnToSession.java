package io.bucketfs.nfs.v4.ops;

import io.bucketfs.nfs.v4.CompoundContext;
import io.bucketfs.nfs.v4.Nfs4Exception;
import io.bucketfs.nfs.v4.NfsStat4;
import io.bucketfs.nfs.v4.state.Session;
import io.bucketfs.nfs.v4.xdr.XdrUtil;
import org.dcache.oncrpc4j.rpc.OncRpcException;
import org.dcache.oncrpc4j.xdr.XdrDecodingStream;
import org.dcache.oncrpc4j.xdr.XdrEncodingStream;

/**
 * RFC 8881 18.34 BIND_CONN_TO_SESSION: every connection serves the fore channel of every session here, so the
 * answer is always CDFS4_FORE (1) without RDMA; a back channel is never bound.
 */
public final class OpBindConnToSession {

    public static final int CDFS4_FORE = 1;

    private OpBindConnToSession() {
    }

    public record Args(byte[] sessionId, int dir, boolean rdma) implements OpArgs {
        @Override
        public int opcode() {
            return OpCode.BIND_CONN_TO_SESSION;
        }

        @Override
        public void encode(XdrEncodingStream out) {
            XdrUtil.fixed(out, sessionId);
            out.xdrEncodeInt(dir);
            out.xdrEncodeBoolean(rdma);
        }

        @Override
        public OpRes execute(CompoundContext ctx) throws Nfs4Exception {
            Session s = ctx.state().session(sessionId);
            s.client().renew(ctx.state().now());
            return new Res(NfsStat4.NFS4_OK, s.id(), CDFS4_FORE, false);
        }
    }

    public record Res(int status, byte[] sessionId, int dir, boolean rdma) implements OpRes {
        @Override
        public int opcode() {
            return OpCode.BIND_CONN_TO_SESSION;
        }

        @Override
        public void encode(XdrEncodingStream out) {
            out.xdrEncodeInt(status);
            XdrUtil.fixed(out, sessionId);
            out.xdrEncodeInt(dir);
            out.xdrEncodeBoolean(rdma);
        }
    }

    public static Args decode(XdrDecodingStream in) throws OncRpcException {
        return new Args(XdrUtil.fixed(in, Session.ID_LENGTH), XdrUtil.u32(in), XdrUtil.bool(in));
    }

    public static OpRes decodeRes(XdrDecodingStream in) throws OncRpcException {
        int status = XdrUtil.u32(in);
        return status != NfsStat4.NFS4_OK ? new StatusRes(OpCode.BIND_CONN_TO_SESSION, status)
                : new Res(status, XdrUtil.fixed(in, Session.ID_LENGTH), XdrUtil.u32(in), XdrUtil.bool(in));
    }
}
