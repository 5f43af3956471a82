package io.bucketfs.nfs.v3.proc;

import io.bucketfs.nfs.v3.Nfs3Error;
import io.bucketfs.nfs.v3.Nfs3Proc;
import io.bucketfs.nfs.v3.Nfs3Request;
import io.bucketfs.nfs.v3.xdr.FhArgs3;
import io.bucketfs.nfs.v3.xdr.Fattr3;
import io.bucketfs.vfs.FileHandle;
import io.bucketfs.vfs.FsStat;
import io.bucketfs.vfs.VfsException;
import java.io.IOException;
import org.dcache.oncrpc4j.xdr.XdrAble;
import org.dcache.oncrpc4j.xdr.XdrDecodingStream;
import org.dcache.oncrpc4j.xdr.XdrEncodingStream;

/** RFC 1813 section 3.3.18, procedure 18 FSSTAT: space and file-slot figures from the VFS. */
public final class Fsstat3 implements Nfs3Proc<FhArgs3> {

    /**
     * FSSTAT3res: {@code post_op_attr obj_attributes; size3 tbytes, fbytes, abytes, tfiles, ffiles, afiles;
     * uint32 invarsec} / attrs.
     */
    public static final class Res implements XdrAble {
        public int status;
        public Fattr3 attr;
        public long tbytes;
        public long fbytes;
        public long abytes;
        public long tfiles;
        public long ffiles;
        public long afiles;
        public int invarsec;

        @Override
        public void xdrEncode(XdrEncodingStream x) {
            x.xdrEncodeInt(status);
            Fattr3.encodeOpt(x, attr);
            if (status == 0) {
                x.xdrEncodeLong(tbytes);
                x.xdrEncodeLong(fbytes);
                x.xdrEncodeLong(abytes);
                x.xdrEncodeLong(tfiles);
                x.xdrEncodeLong(ffiles);
                x.xdrEncodeLong(afiles);
                x.xdrEncodeInt(invarsec);
            }
        }

        @Override
        public void xdrDecode(XdrDecodingStream x) throws IOException {
            status = x.xdrDecodeInt();
            attr = Fattr3.decodeOpt(x);
            if (status == 0) {
                tbytes = x.xdrDecodeLong();
                fbytes = x.xdrDecodeLong();
                abytes = x.xdrDecodeLong();
                tfiles = x.xdrDecodeLong();
                ffiles = x.xdrDecodeLong();
                afiles = x.xdrDecodeLong();
                invarsec = x.xdrDecodeInt();
            }
        }
    }

    @Override
    public String name() {
        return "FSSTAT";
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
        Res r = new Res();
        r.attr = rq.postOp(f);
        r.tbytes = s.totalBytes();
        r.fbytes = s.freeBytes();
        r.abytes = s.freeBytes();
        r.tfiles = s.totalFiles();
        r.ffiles = s.freeFiles();
        r.afiles = s.freeFiles();
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
