package io.bucketfs.nfs.v4.attr;

import io.bucketfs.nfs.v4.Nfs4Exception;
import io.bucketfs.nfs.v4.NfsStat4;
import io.bucketfs.nfs.v4.xdr.Bitmap4;
import io.bucketfs.nfs.v4.xdr.Fattr4;
import io.bucketfs.nfs.v4.xdr.NfsTime4;
import io.bucketfs.vfs.Attr;
import io.bucketfs.vfs.FsStat;
import io.bucketfs.vfs.Vfs;
import java.time.Instant;
import org.dcache.oncrpc4j.xdr.Xdr;

/**
 * Encodes the attributes a client asked for (RFC 8881 5.6 GETATTR semantics): the supported subset of the
 * request, each value in bit order (RFC 8881 5.7/5.8 for the types). Unsupported and write-only attributes are
 * left out of the returned mask.
 */
public final class AttrEncoder {

    /** The largest file this server reports: the signed 64-bit maximum. */
    private static final Bitmap4 NEEDS_STATFS = Bitmap4.of(Fattr.FILES_AVAIL, Fattr.FILES_FREE, Fattr.FILES_TOTAL,
            Fattr.MAXFILESIZE, Fattr.SPACE_AVAIL, Fattr.SPACE_FREE, Fattr.SPACE_TOTAL);
    private static final Bitmap4 WRITE_ONLY = Bitmap4.of(Fattr.TIME_ACCESS_SET, Fattr.TIME_MODIFY_SET);

    private AttrEncoder() {
    }

    public static Fattr4 encode(Bitmap4 requested, AttrSource src) throws Nfs4Exception {
        Bitmap4 supported = Fattr.supported(src.minorVersion());
        Bitmap4 mask = requested.and(supported).andNot(WRITE_ONLY);
        FsStat fs = mask.and(NEEDS_STATFS).isEmpty() ? null : src.statfs().get();
        try (Xdr x = new Xdr(256)) {
            x.beginEncoding();
            for (int bit = 0; bit < mask.bitLimit(); bit++) {
                if (mask.isSet(bit)) {
                    encodeOne(x, bit, src, fs, supported);
                }
            }
            x.endEncoding();
            return new Fattr4(mask, x.getBytes());
        }
    }

    private static void encodeOne(Xdr x, int bit, AttrSource src, FsStat fs, Bitmap4 supported)
            throws Nfs4Exception {
        Attr a = src.attr();
        switch (bit) {
            case Fattr.SUPPORTED_ATTRS -> supported.encode(x);
            case Fattr.TYPE -> x.xdrEncodeInt(switch (a.type()) {
                case REGULAR -> Fattr.NF4REG;
                case DIRECTORY -> Fattr.NF4DIR;
                case SYMLINK -> Fattr.NF4LNK;
            });
            case Fattr.FH_EXPIRE_TYPE -> x.xdrEncodeInt(0); // FH4_PERSISTENT
            case Fattr.CHANGE -> x.xdrEncodeLong(a.change());
            case Fattr.SIZE -> x.xdrEncodeLong(a.size());
            case Fattr.LINK_SUPPORT, Fattr.NAMED_ATTR, Fattr.CASE_INSENSITIVE -> x.xdrEncodeBoolean(false);
            case Fattr.SYMLINK_SUPPORT, Fattr.UNIQUE_HANDLES, Fattr.CANSETTIME, Fattr.CASE_PRESERVING,
                    Fattr.CHOWN_RESTRICTED, Fattr.HOMOGENEOUS, Fattr.NO_TRUNC -> x.xdrEncodeBoolean(true);
            case Fattr.FSID -> {
                x.xdrEncodeLong(src.fsid());
                x.xdrEncodeLong(0);
            }
            case Fattr.LEASE_TIME -> x.xdrEncodeInt(src.leaseSeconds());
            case Fattr.RDATTR_ERROR -> x.xdrEncodeInt(NfsStat4.NFS4_OK);
            case Fattr.ACLSUPPORT -> x.xdrEncodeInt(0);
            case Fattr.FILEHANDLE -> x.xdrEncodeDynamicOpaque(src.fh());
            case Fattr.FILEID -> x.xdrEncodeLong(a.fileId());
            case Fattr.FILES_AVAIL, Fattr.FILES_FREE -> x.xdrEncodeLong(fs.freeFiles());
            case Fattr.FILES_TOTAL -> x.xdrEncodeLong(fs.totalFiles());
            case Fattr.MAXFILESIZE -> x.xdrEncodeLong(fs.maxFileSize());
            case Fattr.MAXLINK -> x.xdrEncodeInt(1);
            case Fattr.MAXNAME -> x.xdrEncodeInt(Vfs.MAX_NAME_BYTES);
            case Fattr.MAXREAD, Fattr.MAXWRITE -> x.xdrEncodeLong(src.maxIo());
            case Fattr.MODE -> x.xdrEncodeInt(a.mode());
            case Fattr.NUMLINKS -> x.xdrEncodeInt(a.nlink());
            case Fattr.OWNER -> x.xdrEncodeString(Owners.toName(a.uid()));
            case Fattr.OWNER_GROUP -> x.xdrEncodeString(Owners.toName(a.gid()));
            case Fattr.RAWDEV -> {
                x.xdrEncodeInt(0);
                x.xdrEncodeInt(0);
            }
            case Fattr.SPACE_AVAIL, Fattr.SPACE_FREE -> x.xdrEncodeLong(fs.freeBytes());
            case Fattr.SPACE_TOTAL -> x.xdrEncodeLong(fs.totalBytes());
            case Fattr.SPACE_USED -> x.xdrEncodeLong(a.spaceUsed());
            case Fattr.TIME_ACCESS -> NfsTime4.encode(x, a.atime());
            case Fattr.TIME_CREATE -> NfsTime4.encode(x, a.birthTime());
            case Fattr.TIME_DELTA -> NfsTime4.encode(x, Instant.ofEpochSecond(0, 1));
            case Fattr.TIME_METADATA -> NfsTime4.encode(x, a.ctime());
            case Fattr.TIME_MODIFY -> NfsTime4.encode(x, a.mtime());
            case Fattr.MOUNTED_ON_FILEID -> x.xdrEncodeLong(src.mountedOnFileId());
            case Fattr.FS_LAYOUT_TYPES -> x.xdrEncodeInt(0); // an empty layouttype4<>: no pNFS
            case Fattr.SUPPATTR_EXCLCREAT -> Fattr.EXCLCREAT.encode(x);
            default -> throw new IllegalStateException("supported attribute " + bit + " has no encoder");
        }
    }
}
