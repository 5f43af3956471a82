package io.bucketfs.nfs.v4.ops;

import io.bucketfs.nfs.v4.CompoundContext;
import io.bucketfs.nfs.v4.Nfs4Exception;
import io.bucketfs.nfs.v4.NfsStat4;
import io.bucketfs.nfs.v4.state.Session;
import io.bucketfs.nfs.v4.xdr.XdrUtil;
import org.dcache.oncrpc4j.rpc.OncRpcException;
import org.dcache.oncrpc4j.xdr.XdrDecodingStream;
import org.dcache.oncrpc4j.xdr.XdrEncodingStream;

/** RFC 8881 18.37 DESTROY_SESSION: the session goes; the client and its state stay. */
public final class OpDestroySession {

    private OpDestroySession() {
    }

    public record Args(byte[] sessionId) implements OpArgs {
        @Override
        public int opcode() {
            return OpCode.DESTROY_SESSION;
        }

        @Override
        public void encode(XdrEncodingStream out) {
            XdrUtil.fixed(out, sessionId);
        }

        @Override
        public OpRes execute(CompoundContext ctx) throws Nfs4Exception {
            Session s = ctx.state().session(sessionId);
            ctx.state().destroySession(s);
            return new StatusRes(OpCode.DESTROY_SESSION, NfsStat4.NFS4_OK);
        }
    }

    public static Args decode(XdrDecodingStream in) throws OncRpcException {
        return new Args(XdrUtil.fixed(in, Session.ID_LENGTH));
    }
}
