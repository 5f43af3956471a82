package io.bucketfs.nfs.v4.ops;

import io.bucketfs.nfs.v4.CompoundContext;
import io.bucketfs.nfs.v4.Nfs4Exception;
import io.bucketfs.nfs.v4.NfsStat4;
import io.bucketfs.nfs.v4.state.LockState;
import io.bucketfs.nfs.v4.state.NfsState;
import io.bucketfs.nfs.v4.xdr.Stateid4;
import org.dcache.oncrpc4j.rpc.OncRpcException;
import org.dcache.oncrpc4j.xdr.XdrDecodingStream;
import org.dcache.oncrpc4j.xdr.XdrEncodingStream;

/**
 * RFC 8881 18.38 FREE_STATEID: a lock stateid without locks is forgotten; one with locks, and an open stateid
 * (CLOSE frees those), is NFS4ERR_LOCKS_HELD.
 */
public final class OpFreeStateid {

    private OpFreeStateid() {
    }

    public record Args(Stateid4 stateid) implements OpArgs {
        @Override
        public int opcode() {
            return OpCode.FREE_STATEID;
        }

        @Override
        public void encode(XdrEncodingStream out) {
            stateid.encode(out);
        }

        @Override
        public OpRes execute(CompoundContext ctx) throws Nfs4Exception {
            NfsState s = ctx.state().resolve(ctx.actual(stateid).withSeqid(0), 1);
            if (!(s instanceof LockState l) || l.holdsLocks()) {
                throw new Nfs4Exception(NfsStat4.NFS4ERR_LOCKS_HELD, stateid + " still holds state");
            }
            synchronized (l.client()) {
                ctx.state().removeLock(l);
            }
            return new StatusRes(OpCode.FREE_STATEID, NfsStat4.NFS4_OK);
        }
    }

    public static Args decode(XdrDecodingStream in) throws OncRpcException {
        return new Args(Stateid4.decode(in));
    }
}
