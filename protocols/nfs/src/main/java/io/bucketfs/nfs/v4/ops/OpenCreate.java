package io.bucketfs.nfs.v4.ops;

import io.bucketfs.nfs.v4.CompoundContext;
import io.bucketfs.nfs.v4.Nfs4Errors;
import io.bucketfs.nfs.v4.Nfs4Exception;
import io.bucketfs.nfs.v4.Node;
import io.bucketfs.nfs.v4.NfsStat4;
import io.bucketfs.nfs.v4.attr.AttrDecoder;
import io.bucketfs.nfs.v4.attr.Fattr;
import io.bucketfs.nfs.v4.xdr.Bitmap4;
import io.bucketfs.nfs.v4.xdr.ChangeInfo4;
import io.bucketfs.vfs.Caller;
import io.bucketfs.vfs.CreateMode;
import io.bucketfs.vfs.Entry;
import io.bucketfs.vfs.SetAttr;
import io.bucketfs.vfs.VfsException;
import io.bucketfs.vfs.VfsStatus;

/**
 * The name half of OPEN with CLAIM_NULL (RFC 8881 18.16.3): find or create the file in the current directory
 * per {@code createhow4}. UNCHECKED4 opens an existing file (a size in the attributes truncates it), GUARDED4 and
 * EXCLUSIVE4/EXCLUSIVE4_1 fail with EXIST unless (exclusive only) the same verifier made it.
 */
final class OpenCreate {

    /** What the lookup or create found. */
    record Found(Node file, boolean created, ChangeInfo4 cinfo, Bitmap4 attrSet) {
    }

    private OpenCreate() {
    }

    static Found find(CompoundContext ctx, Node dir, OpOpen.Args a) throws Nfs4Exception {
        OpLookup.checkName(a.name());
        if (dir.isPseudoRoot()) {
            if (a.openType() == OpOpen.OPEN4_CREATE) {
                throw new Nfs4Exception(NfsStat4.NFS4ERR_ROFS, "create in the pseudo root");
            }
            throw new Nfs4Exception(ctx.service().exports().byName(a.name()).isPresent() ? NfsStat4.NFS4ERR_ISDIR
                    : NfsStat4.NFS4ERR_NOENT, "OPEN in the pseudo root");
        }
        Caller caller = ctx.caller(dir);
        long before = CinfoRes.change(ctx, dir);
        if (a.openType() != OpOpen.OPEN4_CREATE) {
            Entry e = Nfs4Errors.vfs(() -> dir.vfs().lookup(caller, dir.handle(), a.name()));
            return new Found(new Node(dir.export(), e.handle()), false, new ChangeInfo4(false, before, before),
                    Bitmap4.EMPTY);
        }
        ctx.checkWritable(dir);
        SetAttr initial = a.createAttrs() == null ? SetAttr.NONE : AttrDecoder.decode(a.createAttrs(),
                ctx.minorVersion());
        Bitmap4 attrSet = a.createAttrs() == null ? Bitmap4.EMPTY : a.createAttrs().mask();
        if (a.createMode() == OpOpen.EXCLUSIVE4_1 && !attrSet.andNot(Fattr.EXCLCREAT).isEmpty()) {
            throw new Nfs4Exception(NfsStat4.NFS4ERR_INVAL, "attributes not allowed with EXCLUSIVE4_1");
        }
        if (a.createMode() == OpOpen.UNCHECKED4) {
            try {
                Entry e = dir.vfs().lookup(caller, dir.handle(), a.name());
                Node n = new Node(dir.export(), e.handle());
                if (n.vfs().locks().isDeletePending(e.attr().fileId())) { // refused before it is truncated
                    throw new Nfs4Exception(Nfs4Errors.toNfs(VfsStatus.DELETE_PENDING), "'" + a.name()
                            + "' is delete-pending");
                }
                if (initial.size() != null && initial.size() == 0 && e.attr().size() != 0) {
                    Nfs4Errors.vfs(() -> n.vfs().setattr(caller, n.handle(), SetAttr.NONE.withSize(0L), null));
                }
                return new Found(n, false, new ChangeInfo4(false, before, before),
                        initial.size() != null ? Bitmap4.of(Fattr.SIZE) : Bitmap4.EMPTY);
            } catch (VfsException e) {
                if (e.status() != VfsStatus.NOT_FOUND) {
                    throw Nfs4Errors.of(e);
                }
            }
        }
        CreateMode mode = switch (a.createMode()) {
            case OpOpen.UNCHECKED4 -> CreateMode.UNCHECKED;
            case OpOpen.GUARDED4 -> CreateMode.GUARDED;
            default -> CreateMode.EXCLUSIVE;
        };
        Entry e = Nfs4Errors.vfs(() -> dir.vfs().create(caller, dir.handle(), a.name(), mode, initial,
                a.createVerifier()));
        return new Found(new Node(dir.export(), e.handle()), true,
                new ChangeInfo4(false, before, CinfoRes.change(ctx, dir)), attrSet);
    }
}
