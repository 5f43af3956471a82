package io.bucketfs.nfs.v3.proc;

import io.bucketfs.nfs.v3.Nfs3Args;
import io.bucketfs.nfs.v3.Nfs3Error;
import io.bucketfs.nfs.v3.Nfs3Proc;
import io.bucketfs.nfs.v3.Nfs3Request;
import io.bucketfs.nfs.v3.xdr.DirOpArgs3;
import io.bucketfs.nfs.v3.xdr.WccData;
import io.bucketfs.vfs.Attr;
import io.bucketfs.vfs.FileHandle;
import io.bucketfs.vfs.VfsException;
import java.io.IOException;
import org.dcache.oncrpc4j.xdr.XdrAble;
import org.dcache.oncrpc4j.xdr.XdrDecodingStream;
import org.dcache.oncrpc4j.xdr.XdrEncodingStream;

/**
 * RFC 1813 section 3.3.14, procedure 14 RENAME: atomic in the namespace; both directories must be in one export
 * (NFS3ERR_XDEV otherwise).
 */
public final class Rename3 implements Nfs3Proc<Rename3.Args> {

    /** RENAME3args: {@code diropargs3 from; diropargs3 to}. */
    public static final class Args implements Nfs3Args {
        public DirOpArgs3 from;
        public DirOpArgs3 to;

        @Override
        public byte[] handle() {
            return from.dir();
        }

        @Override
        public void xdrEncode(XdrEncodingStream x) {
            from.encode(x);
            to.encode(x);
        }

        @Override
        public void xdrDecode(XdrDecodingStream x) throws IOException {
            from = DirOpArgs3.decode(x);
            to = DirOpArgs3.decode(x);
        }
    }

    /** RENAME3res: {@code wcc_data fromdir_wcc; wcc_data todir_wcc}, the same on failure. */
    public static final class Res implements XdrAble {
        public int status;
        public WccData fromWcc = WccData.NONE;
        public WccData toWcc = WccData.NONE;

        @Override
        public void xdrEncode(XdrEncodingStream x) {
            x.xdrEncodeInt(status);
            fromWcc.encode(x);
            toWcc.encode(x);
        }

        @Override
        public void xdrDecode(XdrDecodingStream x) throws IOException {
            status = x.xdrDecodeInt();
            fromWcc = WccData.decode(x);
            toWcc = WccData.decode(x);
        }
    }

    @Override
    public String name() {
        return "RENAME";
    }

    @Override
    public Args newArgs() {
        return new Args();
    }

    @Override
    public boolean modifies() {
        return true;
    }

    @Override
    public Res run(Nfs3Request rq, Args a) throws VfsException, Nfs3Error {
        FileHandle fromDir = rq.file(a.from.dir());
        FileHandle toDir = rq.file(a.to.dir());
        String fromName = Nfs3Request.name(a.from.name());
        String toName = Nfs3Request.name(a.to.name());
        Attr fromBefore = rq.attrOrNull(fromDir);
        Attr toBefore = fromDir.equals(toDir) ? fromBefore : rq.attrOrNull(toDir);
        rq.vfs().rename(rq.caller(), fromDir, fromName, toDir, toName);
        Res r = new Res();
        r.fromWcc = rq.wcc(fromBefore, fromDir);
        r.toWcc = rq.wcc(toBefore, toDir);
        return r;
    }

    @Override
    public Res failed(Nfs3Request rq, Args a, int status) {
        Res r = new Res();
        r.status = status;
        r.fromWcc = Nfs3Request.wccAfter(rq, a.from.dir());
        r.toWcc = Nfs3Request.wccAfter(rq, a.to.dir());
        return r;
    }
}
