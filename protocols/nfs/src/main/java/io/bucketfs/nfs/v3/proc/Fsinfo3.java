package io.bucketfs.nfs.v3.proc;

import io.bucketfs.nfs.v3.Nfs3Error;
import io.bucketfs.nfs.v3.Nfs3Proc;
import io.bucketfs.nfs.v3.Nfs3Request;
import io.bucketfs.nfs.v3.xdr.FhArgs3;
import io.bucketfs.nfs.v3.xdr.Fattr3;
import io.bucketfs.nfs.v3.xdr.Nfs3Xdr;
import io.bucketfs.vfs.FileHandle;
import io.bucketfs.vfs.FsStat;
import io.bucketfs.vfs.VfsException;
import java.io.IOException;
import java.time.Instant;
import org.dcache.oncrpc4j.xdr.XdrAble;
import org.dcache.oncrpc4j.xdr.XdrDecodingStream;
import org.dcache.oncrpc4j.xdr.XdrEncodingStream;

/**
 * RFC 1813 section 3.3.19, procedure 19 FSINFO: rtmax/wtmax/rtpref/wtpref are the server's {@code maxIoBytes};
 * properties FSF3_SYMLINK | FSF3_HOMOGENEOUS | FSF3_CANSETTIME, never FSF3_LINK (no hard links).
 */
public final class Fsinfo3 implements Nfs3Proc<FhArgs3> {

    public static final int FSF3_LINK = 0x0001;
    public static final int FSF3_SYMLINK = 0x0002;
    public static final int FSF3_HOMOGENEOUS = 0x0008;
    public static final int FSF3_CANSETTIME = 0x0010;

    /** The preferred READDIR request size offered. */
    static final int DTPREF = 64 << 10;
    /** The block multiple offered for reads and writes. */
    static final int MULT = 4096;

    /**
     * FSINFO3res: {@code post_op_attr obj_attributes; uint32 rtmax, rtpref, rtmult, wtmax, wtpref, wtmult, dtpref;
     * size3 maxfilesize; nfstime3 time_delta; uint32 properties} / attrs.
     */
    public static final class Res implements XdrAble {
        public int status;
        public Fattr3 attr;
        public int rtmax;
        public int rtpref;
        public int rtmult;
        public int wtmax;
        public int wtpref;
        public int wtmult;
        public int dtpref;
        public long maxFileSize;
        public Instant timeDelta = Instant.EPOCH;
        public int properties;

        @Override
        public void xdrEncode(XdrEncodingStream x) {
            x.xdrEncodeInt(status);
            Fattr3.encodeOpt(x, attr);
            if (status == 0) {
                x.xdrEncodeInt(rtmax);
                x.xdrEncodeInt(rtpref);
                x.xdrEncodeInt(rtmult);
                x.xdrEncodeInt(wtmax);
                x.xdrEncodeInt(wtpref);
                x.xdrEncodeInt(wtmult);
                x.xdrEncodeInt(dtpref);
                x.xdrEncodeLong(maxFileSize);
                Nfs3Xdr.time(x, timeDelta);
                x.xdrEncodeInt(properties);
            }
        }

        @Override
        public void xdrDecode(XdrDecodingStream x) throws IOException {
            status = x.xdrDecodeInt();
            attr = Fattr3.decodeOpt(x);
            if (status == 0) {
                rtmax = x.xdrDecodeInt();
                rtpref = x.xdrDecodeInt();
                rtmult = x.xdrDecodeInt();
                wtmax = x.xdrDecodeInt();
                wtpref = x.xdrDecodeInt();
                wtmult = x.xdrDecodeInt();
                dtpref = x.xdrDecodeInt();
                maxFileSize = x.xdrDecodeLong();
                timeDelta = Nfs3Xdr.time(x);
                properties = x.xdrDecodeInt();
            }
        }
    }

    @Override
    public String name() {
        return "FSINFO";
    }

    @Override
    public FhArgs3 newArgs() {
        return new FhArgs3();
    }

    @Override
    public boolean modifies() {
        return false;
    }

    @Override
    public Res run(Nfs3Request rq, FhArgs3 a) throws VfsException, Nfs3Error {
        FileHandle f = rq.file(a.fh);
        FsStat s = rq.vfs().statfs(rq.caller(), f);
        int io = rq.settings().maxIoBytes();
        Res r = new Res();
        r.attr = rq.postOp(f);
        r.rtmax = io;
        r.rtpref = io;
        r.rtmult = MULT;
        r.wtmax = io;
        r.wtpref = io;
        r.wtmult = MULT;
        r.dtpref = Math.min(DTPREF, io);
        r.maxFileSize = s.maxFileSize();
        r.timeDelta = Instant.ofEpochSecond(0, 1);
        r.properties = FSF3_SYMLINK | FSF3_HOMOGENEOUS | FSF3_CANSETTIME;
        return r;
    }

    @Override
    public Res failed(Nfs3Request rq, FhArgs3 a, int status) {
        Res r = new Res();
        r.status = status;
        r.attr = Nfs3Request.postOp(rq, a.fh);
        return r;
    }
}
