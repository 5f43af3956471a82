package io.bucketfs.nfs.v3.proc;

import io.bucketfs.nfs.v3.Nfs3Proc;
import io.bucketfs.nfs.v3.Nfs3Request;
import io.bucketfs.nfs.v3.xdr.FhArgs3;
import io.bucketfs.nfs.v3.xdr.Fattr3;
import io.bucketfs.vfs.VfsException;
import io.bucketfs.nfs.v3.Nfs3Error;
import java.io.IOException;
import org.dcache.oncrpc4j.xdr.XdrAble;
import org.dcache.oncrpc4j.xdr.XdrDecodingStream;
import org.dcache.oncrpc4j.xdr.XdrEncodingStream;

/** RFC 1813 section 3.3.1, procedure 1 GETATTR: the attributes of a file. */
public final class Getattr3 implements Nfs3Proc<FhArgs3> {

    /** GETATTR3res: {@code fattr3 obj_attributes} on success, nothing on failure. */
    public static final class Res implements XdrAble {
        public int status;
        public Fattr3 attr;

        @Override
        public void xdrEncode(XdrEncodingStream x) {
            x.xdrEncodeInt(status);
            if (status == 0) {
                attr.encode(x);
            }
        }

        @Override
        public void xdrDecode(XdrDecodingStream x) throws IOException {
            status = x.xdrDecodeInt();
            attr = status == 0 ? Fattr3.decode(x) : null;
        }
    }

    @Override
    public String name() {
        return "GETATTR";
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
        Res r = new Res();
        r.attr = rq.attr(rq.vfs().getattr(rq.caller(), rq.file(a.fh)));
        return r;
    }

    @Override
    public Res failed(Nfs3Request rq, FhArgs3 a, int status) {
        Res r = new Res();
        r.status = status;
        return r;
    }
}
