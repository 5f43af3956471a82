package io.bucketfs.nfs.v4.ops;

import io.bucketfs.nfs.v4.CompoundContext;
import io.bucketfs.nfs.v4.Nfs4Exception;
import io.bucketfs.nfs.v4.NfsStat4;
import io.bucketfs.nfs.v4.state.LockState;
import io.bucketfs.nfs.v4.state.NfsState;
import io.bucketfs.nfs.v4.state.OpenState;
import io.bucketfs.nfs.v4.xdr.Stateid4;
import io.bucketfs.nfs.v4.xdr.XdrUtil;
import org.dcache.oncrpc4j.rpc.OncRpcException;
import org.dcache.oncrpc4j.xdr.XdrDecodingStream;
import org.dcache.oncrpc4j.xdr.XdrEncodingStream;

/**
 * RFC 8881 18.2 CLOSE: the open's share reservation is released and its stateid forgotten. While a lock-owner of
 * the open still holds locks on the file, NFS4ERR_LOCKS_HELD (4.1; 4.0 clients get their locks released). 4.1
 * clients get the invalid special stateid back (RFC 8881 18.2.3).
 */
public final class OpClose {

    private OpClose() {
    }

    public record Args(int seqid, Stateid4 stateid) implements OpArgs {
        @Override
        public int opcode() {
            return OpCode.CLOSE;
        }

        @Override
        public void encode(XdrEncodingStream out) {
            out.xdrEncodeInt(seqid);
            stateid.encode(out);
        }

        @Override
        public OpRes execute(CompoundContext ctx) throws Nfs4Exception {
            NfsState s = ctx.state().resolve(ctx.actual(stateid), ctx.minorVersion());
            if (!(s instanceof OpenState o)) {
                throw new Nfs4Exception(NfsStat4.NFS4ERR_BAD_STATEID, "CLOSE of a lock stateid");
            }
            Stateid4 last;
            synchronized (o.client()) {
                for (LockState l : ctx.state().lockStatesOf(o)) {
                    if (l.holdsLocks()) {
                        if (ctx.minorVersion() > 0) {
                            throw new Nfs4Exception(NfsStat4.NFS4ERR_LOCKS_HELD, "locks held on the file");
                        }
                        o.vfs().locks().releaseOwner(l.vfsOwner());
                    }
                }
                o.vfs().locks().close(o.file().fileId(), o.shareId());
                ctx.state().removeOpen(o);
                last = o.bump();
            }
            Stateid4 out = ctx.minorVersion() > 0 ? Stateid4.INVALID : last;
            ctx.setCurrentStateid(out);
            return new StateidRes(OpCode.CLOSE, NfsStat4.NFS4_OK, out);
        }
    }

    public static Args decode(XdrDecodingStream in) throws OncRpcException {
        return new Args(XdrUtil.u32(in), Stateid4.decode(in));
    }
}
