package io.bucketfs.nfs.v3.proc;

import io.bucketfs.nfs.v3.Nfs3Error;
import io.bucketfs.nfs.v3.Nfs3Proc;
import io.bucketfs.nfs.v3.Nfs3Request;
import io.bucketfs.nfs.v3.xdr.DirOpArgsHolder3;
import io.bucketfs.nfs.v3.xdr.Fattr3;
import io.bucketfs.nfs.v3.xdr.Nfs3Xdr;
import io.bucketfs.vfs.Entry;
import io.bucketfs.vfs.FileHandle;
import io.bucketfs.vfs.VfsException;
import java.io.IOException;
import org.dcache.oncrpc4j.xdr.XdrAble;
import org.dcache.oncrpc4j.xdr.XdrDecodingStream;
import org.dcache.oncrpc4j.xdr.XdrEncodingStream;

/** RFC 1813 section 3.3.3, procedure 3 LOOKUP: a name in a directory; "." is the directory, ".." its parent. */
public final class Lookup3 implements Nfs3Proc<DirOpArgsHolder3> {

    /** LOOKUP3res: {@code nfs_fh3 object; post_op_attr obj_attributes; post_op_attr dir_attributes} / dir attrs. */
    public static final class Res implements XdrAble {
        public int status;
        public byte[] object;
        public Fattr3 objAttr;
        public Fattr3 dirAttr;

        @Override
        public void xdrEncode(XdrEncodingStream x) {
            x.xdrEncodeInt(status);
            if (status == 0) {
                x.xdrEncodeDynamicOpaque(object);
                Fattr3.encodeOpt(x, objAttr);
            }
            Fattr3.encodeOpt(x, dirAttr);
        }

        @Override
        public void xdrDecode(XdrDecodingStream x) throws IOException {
            status = x.xdrDecodeInt();
            if (status == 0) {
                object = Nfs3Xdr.fh(x);
                objAttr = Fattr3.decodeOpt(x);
            }
            dirAttr = Fattr3.decodeOpt(x);
        }
    }

    @Override
    public String name() {
        return "LOOKUP";
    }

    @Override
    public DirOpArgsHolder3 newArgs() {
        return new DirOpArgsHolder3();
    }

    @Override
    public boolean modifies() {
        return false;
    }

    @Override
    public Res run(Nfs3Request rq, DirOpArgsHolder3 a) throws VfsException, Nfs3Error {
        FileHandle dir = rq.file(a.what.dir());
        String name = Nfs3Request.name(a.what.name());
        Entry e;
        if (name.equals(".")) {
            e = new Entry(dir, rq.vfs().getattr(rq.caller(), dir));
        } else if (name.equals("..")) {
            e = rq.vfs().parent(rq.caller(), dir);
        } else {
            e = rq.vfs().lookup(rq.caller(), dir, name);
        }
        Res r = new Res();
        r.object = rq.handle(e.handle());
        r.objAttr = rq.attr(e.attr());
        r.dirAttr = rq.postOp(dir);
        return r;
    }

    @Override
    public Res failed(Nfs3Request rq, DirOpArgsHolder3 a, int status) {
        Res r = new Res();
        r.status = status;
        r.dirAttr = Nfs3Request.postOp(rq, a.what.dir());
        return r;
    }
}
