package io.bucketfs.nfs.v3.proc;

import io.bucketfs.nfs.v3.Nfs3Args;
import io.bucketfs.nfs.v3.Nfs3Error;
import io.bucketfs.nfs.v3.Nfs3Proc;
import io.bucketfs.nfs.v3.Nfs3Request;
import io.bucketfs.nfs.v3.xdr.Fattr3;
import io.bucketfs.nfs.v3.xdr.Nfs3Xdr;
import io.bucketfs.vfs.Access;
import io.bucketfs.vfs.FileHandle;
import io.bucketfs.vfs.VfsException;
import java.io.IOException;
import org.dcache.oncrpc4j.xdr.XdrAble;
import org.dcache.oncrpc4j.xdr.XdrDecodingStream;
import org.dcache.oncrpc4j.xdr.XdrEncodingStream;

/**
 * RFC 1813 section 3.3.4, procedure 4 ACCESS: which of the asked ACCESS3_* bits (the same values as
 * {@link Access}) the caller has; on a read-only export never MODIFY, EXTEND or DELETE.
 */
public final class Access3 implements Nfs3Proc<Access3.Args> {

    /** ACCESS3args: {@code nfs_fh3 object; uint32 access}. */
    public static final class Args implements Nfs3Args {
        public byte[] fh;
        public int access;

        @Override
        public byte[] handle() {
            return fh;
        }

        @Override
        public void xdrEncode(XdrEncodingStream x) {
            x.xdrEncodeDynamicOpaque(fh);
            x.xdrEncodeInt(access);
        }

        @Override
        public void xdrDecode(XdrDecodingStream x) throws IOException {
            fh = Nfs3Xdr.fh(x);
            access = x.xdrDecodeInt();
        }
    }

    /** ACCESS3res: {@code post_op_attr obj_attributes; uint32 access} / attrs. */
    public static final class Res implements XdrAble {
        public int status;
        public Fattr3 attr;
        public int access;

        @Override
        public void xdrEncode(XdrEncodingStream x) {
            x.xdrEncodeInt(status);
            Fattr3.encodeOpt(x, attr);
            if (status == 0) {
                x.xdrEncodeInt(access);
            }
        }

        @Override
        public void xdrDecode(XdrDecodingStream x) throws IOException {
            status = x.xdrDecodeInt();
            attr = Fattr3.decodeOpt(x);
            access = status == 0 ? x.xdrDecodeInt() : 0;
        }
    }

    @Override
    public String name() {
        return "ACCESS";
    }

    @Override
    public Args newArgs() {
        return new Args();
    }

    @Override
    public boolean modifies() {
        return false;
    }

    @Override
    public Res run(Nfs3Request rq, Args a) throws VfsException, Nfs3Error {
        FileHandle f = rq.file(a.fh);
        int granted = rq.vfs().access(rq.caller(), f, a.access & Access.ALL);
        if (rq.export().rules().readOnly()) {
            granted &= ~(Access.MODIFY | Access.EXTEND | Access.DELETE);
        }
        Res r = new Res();
        r.attr = rq.postOp(f);
        r.access = granted;
        return r;
    }

    @Override
    public Res failed(Nfs3Request rq, Args a, int status) {
        Res r = new Res();
        r.status = status;
        r.attr = Nfs3Request.postOp(rq, a.fh);
        return r;
    }
}
