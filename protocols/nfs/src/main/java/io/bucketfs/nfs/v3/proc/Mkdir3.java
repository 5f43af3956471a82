package io.bucketfs.nfs.v3.proc;

import io.bucketfs.nfs.v3.Nfs3Args;
import io.bucketfs.nfs.v3.Nfs3Error;
import io.bucketfs.nfs.v3.Nfs3Proc;
import io.bucketfs.nfs.v3.Nfs3Request;
import io.bucketfs.nfs.v3.xdr.DirOpArgs3;
import io.bucketfs.nfs.v3.xdr.NewObjRes3;
import io.bucketfs.nfs.v3.xdr.Sattr3;
import io.bucketfs.vfs.Attr;
import io.bucketfs.vfs.Entry;
import io.bucketfs.vfs.FileHandle;
import io.bucketfs.vfs.VfsException;
import java.io.IOException;
import org.dcache.oncrpc4j.xdr.XdrDecodingStream;
import org.dcache.oncrpc4j.xdr.XdrEncodingStream;

/** RFC 1813 section 3.3.9, procedure 9 MKDIR: creates a directory. */
public final class Mkdir3 implements Nfs3Proc<Mkdir3.Args> {

    /** MKDIR3args: {@code diropargs3 where; sattr3 attributes}. */
    public static final class Args implements Nfs3Args {
        public DirOpArgs3 where;
        public Sattr3 attrs = Sattr3.NONE;

        @Override
        public byte[] handle() {
            return where.dir();
        }

        @Override
        public void xdrEncode(XdrEncodingStream x) {
            where.encode(x);
            attrs.encode(x);
        }

        @Override
        public void xdrDecode(XdrDecodingStream x) throws IOException {
            where = DirOpArgs3.decode(x);
            attrs = Sattr3.decode(x);
        }
    }

    @Override
    public String name() {
        return "MKDIR";
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
    public NewObjRes3 run(Nfs3Request rq, Args a) throws VfsException, Nfs3Error {
        FileHandle dir = rq.file(a.where.dir());
        String name = Nfs3Request.name(a.where.name());
        Attr before = rq.attrOrNull(dir);
        Entry e = rq.vfs().mkdir(rq.caller(), dir, name, a.attrs.toSetAttr());
        return new NewObjRes3(rq.handle(e.handle()), rq.attr(e.attr()), rq.wcc(before, dir));
    }

    @Override
    public NewObjRes3 failed(Nfs3Request rq, Args a, int status) {
        return NewObjRes3.failed(status, Nfs3Request.wccAfter(rq, a.where.dir()));
    }
}
