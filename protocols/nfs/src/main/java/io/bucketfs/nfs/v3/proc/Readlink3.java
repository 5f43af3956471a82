package io.bucketfs.nfs.v3.proc;

import io.bucketfs.nfs.v3.Nfs3Error;
import io.bucketfs.nfs.v3.Nfs3Proc;
import io.bucketfs.nfs.v3.Nfs3Request;
import io.bucketfs.nfs.v3.xdr.FhArgs3;
import io.bucketfs.nfs.v3.xdr.Fattr3;
import io.bucketfs.nfs.v3.xdr.Nfs3Xdr;
import io.bucketfs.vfs.FileHandle;
import io.bucketfs.vfs.VfsException;
import java.io.IOException;
import org.dcache.oncrpc4j.xdr.XdrAble;
import org.dcache.oncrpc4j.xdr.XdrDecodingStream;
import org.dcache.oncrpc4j.xdr.XdrEncodingStream;

/** RFC 1813 section 3.3.5, procedure 5 READLINK: the target of a symbolic link. */
public final class Readlink3 implements Nfs3Proc<FhArgs3> {

    /** READLINK3res: {@code post_op_attr symlink_attributes; nfspath3 data} / attrs. */
    public static final class Res implements XdrAble {
        public int status;
        public Fattr3 attr;
        public String target;

        @Override
        public void xdrEncode(XdrEncodingStream x) {
            x.xdrEncodeInt(status);
            Fattr3.encodeOpt(x, attr);
            if (status == 0) {
                Nfs3Xdr.string(x, target);
            }
        }

        @Override
        public void xdrDecode(XdrDecodingStream x) throws IOException {
            status = x.xdrDecodeInt();
            attr = Fattr3.decodeOpt(x);
            target = status == 0 ? Nfs3Xdr.path(x, Nfs3Xdr.MAX_PATH) : null;
        }
    }

    @Override
    public String name() {
        return "READLINK";
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
        Res r = new Res();
        r.target = rq.vfs().readlink(rq.caller(), f);
        r.attr = rq.postOp(f);
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
