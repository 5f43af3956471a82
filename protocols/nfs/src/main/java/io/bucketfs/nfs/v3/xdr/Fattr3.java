package io.bucketfs.nfs.v3.xdr;

import io.bucketfs.vfs.Attr;
import io.bucketfs.vfs.FileType;
import java.io.IOException;
import java.time.Instant;
import org.dcache.oncrpc4j.xdr.XdrDecodingStream;
import org.dcache.oncrpc4j.xdr.XdrEncodingStream;

/**
 * RFC 1813 section 2.5 fattr3: the attributes of a file, 84 bytes on the wire. Also {@code post_op_attr}
 * (section 2.6): a boolean, then the attributes if true ({@link #encodeOpt}/{@link #decodeOpt}, {@code null} when
 * absent).
 *
 * @param type   ftype3
 * @param mode   mode3 (permission bits, without the type)
 * @param nlink  link count
 * @param uid    owner
 * @param gid    group
 * @param size   size3 in bytes
 * @param used   bytes of disk space used
 * @param rdev   specdata3 as two 32-bit words (0 here: no devices)
 * @param fsid   the file system: the export id
 * @param fileid the VFS file id
 */
public record Fattr3(int type, int mode, int nlink, int uid, int gid, long size, long used, long rdev, long fsid,
                     long fileid, Instant atime, Instant mtime, Instant ctime) {

    /** ftype3 values. */
    public static final int NF3REG = 1;
    public static final int NF3DIR = 2;
    public static final int NF3BLK = 3;
    public static final int NF3CHR = 4;
    public static final int NF3LNK = 5;
    public static final int NF3SOCK = 6;
    public static final int NF3FIFO = 7;

    /** The encoded length of a fattr3. */
    public static final int LENGTH = 84;

    /** The NFS view of VFS attributes in the export {@code fsid}. */
    public static Fattr3 of(Attr a, long fsid) {
        return new Fattr3(ftype(a.type()), a.mode(), a.nlink(), a.uid(), a.gid(), a.size(), a.spaceUsed(), 0, fsid,
                a.fileId(), a.atime(), a.mtime(), a.ctime());
    }

    public static int ftype(FileType t) {
        return switch (t) {
            case REGULAR -> NF3REG;
            case DIRECTORY -> NF3DIR;
            case SYMLINK -> NF3LNK;
        };
    }

    public void encode(XdrEncodingStream x) {
        x.xdrEncodeInt(type);
        x.xdrEncodeInt(mode);
        x.xdrEncodeInt(nlink);
        x.xdrEncodeInt(uid);
        x.xdrEncodeInt(gid);
        x.xdrEncodeLong(size);
        x.xdrEncodeLong(used);
        x.xdrEncodeInt((int) (rdev >>> 32));
        x.xdrEncodeInt((int) rdev);
        x.xdrEncodeLong(fsid);
        x.xdrEncodeLong(fileid);
        Nfs3Xdr.time(x, atime);
        Nfs3Xdr.time(x, mtime);
        Nfs3Xdr.time(x, ctime);
    }

    public static Fattr3 decode(XdrDecodingStream x) throws IOException {
        int type = x.xdrDecodeInt();
        int mode = x.xdrDecodeInt();
        int nlink = x.xdrDecodeInt();
        int uid = x.xdrDecodeInt();
        int gid = x.xdrDecodeInt();
        long size = x.xdrDecodeLong();
        long used = x.xdrDecodeLong();
        long rdev = (Integer.toUnsignedLong(x.xdrDecodeInt()) << 32) | Integer.toUnsignedLong(x.xdrDecodeInt());
        long fsid = x.xdrDecodeLong();
        long fileid = x.xdrDecodeLong();
        return new Fattr3(type, mode, nlink, uid, gid, size, used, rdev, fsid, fileid, Nfs3Xdr.time(x),
                Nfs3Xdr.time(x), Nfs3Xdr.time(x));
    }

    /** post_op_attr. */
    public static void encodeOpt(XdrEncodingStream x, Fattr3 a) {
        x.xdrEncodeBoolean(a != null);
        if (a != null) {
            a.encode(x);
        }
    }

    public static Fattr3 decodeOpt(XdrDecodingStream x) throws IOException {
        return Nfs3Xdr.bool(x) ? decode(x) : null;
    }
}
