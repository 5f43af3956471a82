package io.bucketfs.nfs.v3.xdr;

import io.bucketfs.vfs.SetAttr;
import java.io.IOException;
import java.time.Instant;
import org.dcache.oncrpc4j.xdr.XdrDecodingStream;
import org.dcache.oncrpc4j.xdr.XdrEncodingStream;

/**
 * RFC 1813 section 2.6 sattr3: the attributes to set, each optional (set_mode3, set_uid3, set_gid3, set_size3,
 * set_atime, set_mtime). A time is {@code null} (DONT_CHANGE), {@link SetAttr#SERVER_TIME} (SET_TO_SERVER_TIME) or
 * the client's time (SET_TO_CLIENT_TIME).
 */
public record Sattr3(Integer mode, Integer uid, Integer gid, Long size, Instant atime, Instant mtime) {

    public static final Sattr3 NONE = new Sattr3(null, null, null, null, null, null);

    /** time_how. */
    static final int DONT_CHANGE = 0;
    static final int SET_TO_SERVER_TIME = 1;
    static final int SET_TO_CLIENT_TIME = 2;

    /** The VFS change; a size of 2^63 or more (negative here) cannot be stored. */
    public SetAttr toSetAttr() {
        return new SetAttr(mode == null ? null : mode & 07777, uid, gid, size, atime, mtime, null, null, null);
    }

    public void encode(XdrEncodingStream x) {
        optInt(x, mode);
        optInt(x, uid);
        optInt(x, gid);
        x.xdrEncodeBoolean(size != null);
        if (size != null) {
            x.xdrEncodeLong(size);
        }
        time(x, atime);
        time(x, mtime);
    }

    public static Sattr3 decode(XdrDecodingStream x) throws IOException {
        Integer mode = optInt(x);
        Integer uid = optInt(x);
        Integer gid = optInt(x);
        Long size = Nfs3Xdr.bool(x) ? x.xdrDecodeLong() : null;
        return new Sattr3(mode, uid, gid, size, time(x), time(x));
    }

    private static void optInt(XdrEncodingStream x, Integer v) {
        x.xdrEncodeBoolean(v != null);
        if (v != null) {
            x.xdrEncodeInt(v);
        }
    }

    private static Integer optInt(XdrDecodingStream x) throws IOException {
        return Nfs3Xdr.bool(x) ? x.xdrDecodeInt() : null;
    }

    private static void time(XdrEncodingStream x, Instant t) {
        if (t == null) {
            x.xdrEncodeInt(DONT_CHANGE);
        } else if (t.equals(SetAttr.SERVER_TIME)) {
            x.xdrEncodeInt(SET_TO_SERVER_TIME);
        } else {
            x.xdrEncodeInt(SET_TO_CLIENT_TIME);
            Nfs3Xdr.time(x, t);
        }
    }

    private static Instant time(XdrDecodingStream x) throws IOException {
        int how = x.xdrDecodeInt();
        return switch (how) {
            case DONT_CHANGE -> null;
            case SET_TO_SERVER_TIME -> SetAttr.SERVER_TIME;
            case SET_TO_CLIENT_TIME -> Nfs3Xdr.time(x);
            default -> throw new XdrGarbage("time_how " + how);
        };
    }
}
