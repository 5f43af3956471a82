package io.bucketfs.nfs.v4.attr;

import io.bucketfs.nfs.v4.Nfs4Exception;
import io.bucketfs.nfs.v4.NfsStat4;
import io.bucketfs.nfs.v4.xdr.Bitmap4;
import io.bucketfs.nfs.v4.xdr.Fattr4;
import io.bucketfs.nfs.v4.xdr.NfsTime4;
import io.bucketfs.nfs.v4.xdr.XdrUtil;
import io.bucketfs.vfs.SetAttr;
import java.io.IOException;
import java.time.Instant;
import org.dcache.oncrpc4j.xdr.Xdr;

/**
 * Decodes the attributes of SETATTR, CREATE and OPEN (RFC 8881 18.30, 18.4, 18.16) into a VFS {@link SetAttr}.
 * An attribute this server does not support is NFS4ERR_ATTRNOTSUPP; a supported but read-only one is
 * NFS4ERR_INVAL; values that do not decode are NFS4ERR_BADXDR.
 */
public final class AttrDecoder {

    private AttrDecoder() {
    }

    public static SetAttr decode(Fattr4 f, int minorVersion) throws Nfs4Exception {
        Bitmap4 mask = f.mask();
        Bitmap4 unsupported = mask.andNot(Fattr.supported(minorVersion));
        if (!unsupported.isEmpty()) {
            throw new Nfs4Exception(NfsStat4.NFS4ERR_ATTRNOTSUPP, "attributes " + unsupported + " not supported");
        }
        Bitmap4 readOnly = mask.andNot(Fattr.WRITABLE);
        if (!readOnly.isEmpty()) {
            throw new Nfs4Exception(NfsStat4.NFS4ERR_INVAL, "attributes " + readOnly + " are read-only");
        }
        SetAttr s = SetAttr.NONE;
        Xdr x = new Xdr(f.values());
        x.beginDecoding();
        try {
            for (int bit = 0; bit < mask.bitLimit(); bit++) {
                if (mask.isSet(bit)) {
                    s = decodeOne(x, bit, s);
                }
            }
            if (x.hasMoreData()) {
                throw new Nfs4Exception(NfsStat4.NFS4ERR_BADXDR, "attribute values longer than their mask");
            }
        } catch (IOException e) {
            throw new Nfs4Exception(NfsStat4.NFS4ERR_BADXDR, "attribute values: " + e.getMessage());
        }
        return s;
    }

    private static SetAttr decodeOne(Xdr x, int bit, SetAttr s) throws IOException, Nfs4Exception {
        switch (bit) {
            case Fattr.SIZE -> {
                return s.withSize(XdrUtil.u64(x));
            }
            case Fattr.MODE -> {
                int mode = XdrUtil.u32(x);
                if ((mode & ~07777) != 0) {
                    throw new Nfs4Exception(NfsStat4.NFS4ERR_INVAL, "mode " + Integer.toOctalString(mode));
                }
                return s.withMode(mode);
            }
            case Fattr.OWNER -> {
                return s.withOwner(Owners.toId(XdrUtil.utf8(x, XdrUtil.MAX_STRING, "owner")), s.gid());
            }
            case Fattr.OWNER_GROUP -> {
                return s.withOwner(s.uid(), Owners.toId(XdrUtil.utf8(x, XdrUtil.MAX_STRING, "owner_group")));
            }
            case Fattr.TIME_ACCESS_SET -> {
                return s.withTimes(setTime(x), s.mtime());
            }
            case Fattr.TIME_MODIFY_SET -> {
                return s.withTimes(s.atime(), setTime(x));
            }
            default -> throw new IllegalStateException("writable attribute " + bit + " has no decoder");
        }
    }

    /** settime4 (RFC 8881 3.3.2). */
    private static Instant setTime(Xdr x) throws IOException, Nfs4Exception {
        int how = XdrUtil.u32(x);
        return switch (how) {
            case Fattr.SET_TO_SERVER_TIME4 -> SetAttr.SERVER_TIME;
            case Fattr.SET_TO_CLIENT_TIME4 -> NfsTime4.decode(x);
            default -> throw new Nfs4Exception(NfsStat4.NFS4ERR_BADXDR, "time_how4 " + how);
        };
    }
}
