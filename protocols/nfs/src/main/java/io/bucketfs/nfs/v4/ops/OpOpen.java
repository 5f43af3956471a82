package io.bucketfs.nfs.v4.ops;

import io.bucketfs.nfs.v4.CompoundContext;
import io.bucketfs.nfs.v4.Nfs4Errors;
import io.bucketfs.nfs.v4.Nfs4Exception;
import io.bucketfs.nfs.v4.Node;
import io.bucketfs.nfs.v4.NfsStat4;
import io.bucketfs.nfs.v4.state.ClientRecord;
import io.bucketfs.nfs.v4.xdr.Bitmap4;
import io.bucketfs.nfs.v4.xdr.ChangeInfo4;
import io.bucketfs.nfs.v4.xdr.Fattr4;
import io.bucketfs.nfs.v4.xdr.Stateid4;
import io.bucketfs.nfs.v4.xdr.XdrUtil;
import io.bucketfs.vfs.Access;
import io.bucketfs.vfs.Attr;
import io.bucketfs.vfs.FileType;
import org.dcache.oncrpc4j.rpc.OncRpcException;
import org.dcache.oncrpc4j.xdr.XdrDecodingStream;
import org.dcache.oncrpc4j.xdr.XdrEncodingStream;

/**
 * RFC 8881 18.16 OPEN: claims CLAIM_NULL (a name in the current directory), CLAIM_FH and CLAIM_PREVIOUS (the
 * current file; a reclaim, only in the grace period); the delegation claims are refused (no delegation is ever
 * granted, so there is none to claim: BAD_STATEID / NOTSUPP). Create modes UNCHECKED4, GUARDED4, EXCLUSIVE4 and
 * EXCLUSIVE4_1. The share reservation is taken in the VFS lock manager (see {@link OpenShares}); the reply never
 * delegates (OPEN_DELEGATE_NONE) and never asks a 4.0 client to confirm.
 */
public final class OpOpen {

    public static final int SHARE_ACCESS_READ = 1;
    public static final int SHARE_ACCESS_WRITE = 2;
    public static final int SHARE_ACCESS_BOTH = 3;
    public static final int OPEN4_NOCREATE = 0;
    public static final int OPEN4_CREATE = 1;
    public static final int UNCHECKED4 = 0;
    public static final int GUARDED4 = 1;
    public static final int EXCLUSIVE4 = 2;
    public static final int EXCLUSIVE4_1 = 3;
    public static final int CLAIM_NULL = 0;
    public static final int CLAIM_PREVIOUS = 1;
    public static final int CLAIM_DELEGATE_CUR = 2;
    public static final int CLAIM_DELEGATE_PREV = 3;
    public static final int CLAIM_FH = 4;
    public static final int CLAIM_DELEG_CUR_FH = 5;
    public static final int CLAIM_DELEG_PREV_FH = 6;
    public static final int RESULT_LOCKTYPE_POSIX = 4;
    public static final int OPEN_DELEGATE_NONE = 0;

    private OpOpen() {
    }

    /**
     * @param createAttrs for UNCHECKED4/GUARDED4/EXCLUSIVE4_1, else null
     * @param name the component for CLAIM_NULL, CLAIM_DELEGATE_CUR/PREV, else null
     */
    public record Args(int seqid, int shareAccess, int shareDeny, long clientId, byte[] owner, int openType,
            int createMode, Fattr4 createAttrs, long createVerifier, int claim, String name) implements OpArgs {
        @Override
        public int opcode() {
            return OpCode.OPEN;
        }

        @Override
        public void encode(XdrEncodingStream out) {
            OpOpenCodec.encode(this, out);
        }

        @Override
        public OpRes execute(CompoundContext ctx) throws Nfs4Exception {
            Node cur = ctx.current();
            ClientRecord c = ctx.client(clientId);
            if (!c.confirmed()) {
                throw new Nfs4Exception(NfsStat4.NFS4ERR_STALE_CLIENTID, c + " is not confirmed");
            }
            int access = shareAccess & SHARE_ACCESS_BOTH;
            if (access == 0 || (shareDeny & ~SHARE_ACCESS_BOTH) != 0) {
                throw new Nfs4Exception(NfsStat4.NFS4ERR_INVAL, "share access " + shareAccess + " deny " + shareDeny);
            }
            checkGrace(ctx);
            OpenCreate.Found f = switch (claim) {
                case CLAIM_NULL -> OpenCreate.find(ctx, cur, this);
                case CLAIM_FH, CLAIM_PREVIOUS -> new OpenCreate.Found(cur, false, new ChangeInfo4(false, 0, 0),
                        Bitmap4.EMPTY);
                case CLAIM_DELEGATE_CUR, CLAIM_DELEG_CUR_FH -> throw new Nfs4Exception(
                        NfsStat4.NFS4ERR_BAD_STATEID, "no delegation was granted");
                default -> throw new Nfs4Exception(NfsStat4.NFS4ERR_NOTSUPP, "open claim " + claim);
            };
            Node file = f.file();
            if (file.isPseudoRoot()) {
                throw new Nfs4Exception(NfsStat4.NFS4ERR_ISDIR, "OPEN of the pseudo root");
            }
            if ((access & SHARE_ACCESS_WRITE) != 0) {
                ctx.checkWritable(file);
            }
            Attr attr = ctx.getattr(file);
            if (attr.type() != FileType.REGULAR) {
                throw new Nfs4Exception(attr.type() == FileType.DIRECTORY ? NfsStat4.NFS4ERR_ISDIR
                        : NfsStat4.NFS4ERR_SYMLINK, "OPEN of a " + attr.type());
            }
            if (!f.created()) {
                checkAccess(ctx, file, access);
            }
            Stateid4 sid = OpenShares.open(ctx, c, file, owner, access, shareDeny);
            ctx.setCurrent(file);
            ctx.setCurrentStateid(sid);
            return new Res(NfsStat4.NFS4_OK, sid, f.cinfo(), RESULT_LOCKTYPE_POSIX, f.attrSet());
        }

        private void checkGrace(CompoundContext ctx) throws Nfs4Exception {
            boolean grace = ctx.state().inGrace();
            if (claim == CLAIM_PREVIOUS && !grace) {
                throw new Nfs4Exception(NfsStat4.NFS4ERR_NO_GRACE, "reclaim after the grace period");
            }
            if (claim != CLAIM_PREVIOUS && grace) {
                throw new Nfs4Exception(NfsStat4.NFS4ERR_GRACE, "in the grace period");
            }
        }

        private static void checkAccess(CompoundContext ctx, Node file, int access) throws Nfs4Exception {
            int want = ((access & SHARE_ACCESS_READ) != 0 ? Access.READ : 0)
                    | ((access & SHARE_ACCESS_WRITE) != 0 ? Access.MODIFY : 0);
            int got = Nfs4Errors.vfs(() -> file.vfs().access(ctx.caller(file), file.handle(), want));
            if ((got & want) != want) {
                throw new Nfs4Exception(NfsStat4.NFS4ERR_ACCESS, "open mode not permitted");
            }
        }
    }

    public record Res(int status, Stateid4 stateid, ChangeInfo4 cinfo, int rflags, Bitmap4 attrSet)
            implements OpRes {
        @Override
        public int opcode() {
            return OpCode.OPEN;
        }

        @Override
        public void encode(XdrEncodingStream out) {
            out.xdrEncodeInt(status);
            stateid.encode(out);
            cinfo.encode(out);
            out.xdrEncodeInt(rflags);
            attrSet.encode(out);
            out.xdrEncodeInt(OPEN_DELEGATE_NONE);
        }
    }

    public static Args decode(XdrDecodingStream in) throws OncRpcException {
        return OpOpenCodec.decode(in);
    }

    public static OpRes decodeRes(XdrDecodingStream in) throws OncRpcException {
        int status = XdrUtil.u32(in);
        if (status != NfsStat4.NFS4_OK) {
            return new StatusRes(OpCode.OPEN, status);
        }
        Res r = new Res(status, Stateid4.decode(in), ChangeInfo4.decode(in), XdrUtil.u32(in), Bitmap4.decode(in));
        int deleg = XdrUtil.u32(in);
        if (deleg != OPEN_DELEGATE_NONE) {
            throw new XdrUtil.BadXdr("unexpected delegation " + deleg);
        }
        return r;
    }
}
