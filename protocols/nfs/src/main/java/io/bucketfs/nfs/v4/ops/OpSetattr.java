package io.bucketfs.nfs.v4.ops;

import io.bucketfs.nfs.v4.CompoundContext;
import io.bucketfs.nfs.v4.Nfs4Errors;
import io.bucketfs.nfs.v4.Nfs4Exception;
import io.bucketfs.nfs.v4.Node;
import io.bucketfs.nfs.v4.NfsStat4;
import io.bucketfs.nfs.v4.attr.AttrDecoder;
import io.bucketfs.nfs.v4.state.NfsState;
import io.bucketfs.nfs.v4.state.OpenState;
import io.bucketfs.nfs.v4.xdr.Bitmap4;
import io.bucketfs.nfs.v4.xdr.Fattr4;
import io.bucketfs.nfs.v4.xdr.Stateid4;
import io.bucketfs.nfs.v4.xdr.XdrUtil;
import io.bucketfs.vfs.SetAttr;
import io.bucketfs.vfs.lock.ShareAccess;
import org.dcache.oncrpc4j.rpc.OncRpcException;
import org.dcache.oncrpc4j.xdr.XdrDecodingStream;
import org.dcache.oncrpc4j.xdr.XdrEncodingStream;

/**
 * RFC 8881 18.30 SETATTR: size, mode, owner, group and times. A size change needs an open for writing (or the
 * anonymous stateid). The result always carries the mask of what was set, failure or not.
 */
public final class OpSetattr {

    private OpSetattr() {
    }

    public record Args(Stateid4 stateid, Fattr4 attrs) implements OpArgs {
        @Override
        public int opcode() {
            return OpCode.SETATTR;
        }

        @Override
        public void encode(XdrEncodingStream out) {
            stateid.encode(out);
            attrs.encode(out);
        }

        @Override
        public OpRes execute(CompoundContext ctx) {
            try {
                Node n = ctx.current();
                ctx.checkWritable(n);
                SetAttr s = AttrDecoder.decode(attrs, ctx.minorVersion());
                if (s.size() != null) {
                    checkSizeStateid(ctx, n);
                }
                if (!s.isEmpty()) {
                    Nfs4Errors.vfs(() -> n.vfs().setattr(ctx.caller(n), n.handle(), s, null));
                }
                return new Res(NfsStat4.NFS4_OK, attrs.mask());
            } catch (Nfs4Exception e) {
                return new Res(e.status(), Bitmap4.EMPTY, e);
            }
        }

        private void checkSizeStateid(CompoundContext ctx, Node n) throws Nfs4Exception {
            Stateid4 sid = ctx.actual(stateid);
            if (sid.isSpecial()) {
                return;
            }
            NfsState st = ctx.state().resolve(sid.withSeqid(0), 1); // as for WRITE: any seqid of a live state
            OpenState open = st instanceof OpenState o ? o : ((io.bucketfs.nfs.v4.state.LockState) st).open();
            if (!open.access().contains(ShareAccess.WRITE)) {
                throw new Nfs4Exception(NfsStat4.NFS4ERR_OPENMODE, "size change through a read-only open");
            }
        }
    }

    /** @param attrsSet {@code attrsset}, always encoded; {@code failure} is for the log only */
    public record Res(int status, Bitmap4 attrsSet, Nfs4Exception failure) implements OpRes {
        public Res(int status, Bitmap4 attrsSet) {
            this(status, attrsSet, null);
        }

        @Override
        public int opcode() {
            return OpCode.SETATTR;
        }

        @Override
        public void encode(XdrEncodingStream out) {
            out.xdrEncodeInt(status);
            attrsSet.encode(out);
        }
    }

    public static Args decode(XdrDecodingStream in) throws OncRpcException {
        return new Args(Stateid4.decode(in), Fattr4.decode(in));
    }

    public static OpRes decodeRes(XdrDecodingStream in) throws OncRpcException {
        return new Res(XdrUtil.u32(in), Bitmap4.decode(in));
    }
}
