package io.bucketfs.nfs.v3.proc;

import io.bucketfs.nfs.v3.Nfs3Args;
import io.bucketfs.nfs.v3.Nfs3Error;
import io.bucketfs.nfs.v3.Nfs3Proc;
import io.bucketfs.nfs.v3.Nfs3Request;
import io.bucketfs.nfs.v3.Nfs3Status;
import io.bucketfs.nfs.v3.xdr.DirOpArgs3;
import io.bucketfs.nfs.v3.xdr.NewObjRes3;
import io.bucketfs.nfs.v3.xdr.Nfs3Xdr;
import io.bucketfs.nfs.v3.xdr.Sattr3;
import io.bucketfs.vfs.Attr;
import io.bucketfs.vfs.Entry;
import io.bucketfs.vfs.FileHandle;
import io.bucketfs.vfs.VfsException;
import java.io.IOException;
import org.dcache.oncrpc4j.xdr.XdrDecodingStream;
import org.dcache.oncrpc4j.xdr.XdrEncodingStream;

/**
 * RFC 1813 section 3.3.10, procedure 10 SYMLINK: creates a symbolic link; targets longer than
 * {@link Nfs3Xdr#MAX_PATH} bytes are garbage.
 */
public final class Symlink3 implements Nfs3Proc<Symlink3.Args> {

    /** SYMLINK3args: {@code diropargs3 where; symlinkdata3 symlink} (sattr3, nfspath3). */
    public static final class Args implements Nfs3Args {
        public DirOpArgs3 where;
        public Sattr3 attrs = Sattr3.NONE;
        public String target;

        @Override
        public byte[] handle() {
            return where.dir();
        }

        @Override
        public void xdrEncode(XdrEncodingStream x) {
            where.encode(x);
            attrs.encode(x);
            Nfs3Xdr.string(x, target);
        }

        @Override
        public void xdrDecode(XdrDecodingStream x) throws IOException {
            where = DirOpArgs3.decode(x);
            attrs = Sattr3.decode(x);
            target = Nfs3Xdr.path(x, Nfs3Xdr.MAX_PATH);
        }
    }

    @Override
    public String name() {
        return "SYMLINK";
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
        if (a.target == null) {
            throw new Nfs3Error(Nfs3Status.NFS3ERR_INVAL, "symlink target is not UTF-8");
        }
        Attr before = rq.attrOrNull(dir);
        Entry e = rq.vfs().symlink(rq.caller(), dir, name, a.target, a.attrs.toSetAttr());
        return new NewObjRes3(rq.handle(e.handle()), rq.attr(e.attr()), rq.wcc(before, dir));
    }

    @Override
    public NewObjRes3 failed(Nfs3Request rq, Args a, int status) {
        return NewObjRes3.failed(status, Nfs3Request.wccAfter(rq, a.where.dir()));
    }
}
