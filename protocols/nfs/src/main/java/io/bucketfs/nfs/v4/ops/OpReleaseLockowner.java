package io.bucketfs.nfs.v4.ops;

import io.bucketfs.nfs.v4.CompoundContext;
import io.bucketfs.nfs.v4.Nfs4Exception;
import io.bucketfs.nfs.v4.NfsStat4;
import io.bucketfs.nfs.v4.state.ClientRecord;
import io.bucketfs.nfs.v4.state.LockState;
import io.bucketfs.nfs.v4.xdr.XdrUtil;
import java.util.List;
import org.dcache.oncrpc4j.rpc.OncRpcException;
import org.dcache.oncrpc4j.xdr.XdrDecodingStream;
import org.dcache.oncrpc4j.xdr.XdrEncodingStream;

/** RFC 7530 16.37 RELEASE_LOCKOWNER (NFSv4.0): a lock-owner without locks is forgotten (LOCKS_HELD otherwise). */
public final class OpReleaseLockowner {

    private OpReleaseLockowner() {
    }

    public record Args(long clientId, byte[] owner) implements OpArgs {
        @Override
        public int opcode() {
            return OpCode.RELEASE_LOCKOWNER;
        }

        @Override
        public void encode(XdrEncodingStream out) {
            out.xdrEncodeLong(clientId);
            XdrUtil.opaque(out, owner);
        }

        @Override
        public OpRes execute(CompoundContext ctx) throws Nfs4Exception {
            ClientRecord c = ctx.state().client(clientId);
            synchronized (c) {
                List<LockState> ls = ctx.state().locksOf(c, owner);
                if (ls.stream().anyMatch(LockState::holdsLocks)) {
                    throw new Nfs4Exception(NfsStat4.NFS4ERR_LOCKS_HELD, "lock-owner still holds locks");
                }
                ls.forEach(ctx.state()::removeLock);
            }
            return new StatusRes(OpCode.RELEASE_LOCKOWNER, NfsStat4.NFS4_OK);
        }
    }

    public static Args decode(XdrDecodingStream in) throws OncRpcException {
        return new Args(XdrUtil.u64(in), XdrUtil.opaque(in, XdrUtil.OPAQUE_LIMIT, "lock_owner4"));
    }
}
