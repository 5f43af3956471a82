package io.bucketfs.nfs.v3.proc;

import io.bucketfs.nfs.v3.Nfs3Args;
import io.bucketfs.nfs.v3.Nfs3Error;
import io.bucketfs.nfs.v3.Nfs3Proc;
import io.bucketfs.nfs.v3.Nfs3Request;
import io.bucketfs.nfs.v3.xdr.DirOpArgs3;
import io.bucketfs.nfs.v3.xdr.Fattr3;
import io.bucketfs.nfs.v3.xdr.Nfs3Xdr;
import io.bucketfs.nfs.v3.xdr.WccData;
import io.bucketfs.vfs.FileHandle;
import io.bucketfs.vfs.VfsException;
import java.io.IOException;
import org.dcache.oncrpc4j.xdr.XdrAble;
import org.dcache.oncrpc4j.xdr.XdrDecodingStream;
import org.dcache.oncrpc4j.xdr.XdrEncodingStream;

/**
 * RFC 1813 section 3.3.15, procedure 15 LINK: hard links; the VFS refuses them (NOT_SUPPORTED), which is
 * NFS3ERR_NOTSUPP here, and FSINFO does not claim FSF3_LINK.
 */
public final class Link3 implements Nfs3Proc<Link3.Args> {

    /** LINK3args: {@code nfs_fh3 file; diropargs3 link}. */
    public static final class Args implements Nfs3Args {
        public byte[] fh;
        public DirOpArgs3 link;

        @Override
        public byte[] handle() {
            return fh;
        }

        @Override
        public void xdrEncode(XdrEncodingStream x) {
            x.xdrEncodeDynamicOpaque(fh);
            link.encode(x);
        }

        @Override
        public void xdrDecode(XdrDecodingStream x) throws IOException {
            fh = Nfs3Xdr.fh(x);
            link = DirOpArgs3.decode(x);
        }
    }

    /** LINK3res: {@code post_op_attr file_attributes; wcc_data linkdir_wcc}, the same on failure. */
    public static final class Res implements XdrAble {
        public int status;
        public Fattr3 attr;
        public WccData dirWcc = WccData.NONE;

        @Override
        public void xdrEncode(XdrEncodingStream x) {
            x.xdrEncodeInt(status);
            Fattr3.encodeOpt(x, attr);
            dirWcc.encode(x);
        }

        @Override
        public void xdrDecode(XdrDecodingStream x) throws IOException {
            status = x.xdrDecodeInt();
            attr = Fattr3.decodeOpt(x);
            dirWcc = WccData.decode(x);
        }
    }

    @Override
    public String name() {
        return "LINK";
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
        FileHandle f = rq.file(a.fh);
        FileHandle dir = rq.file(a.link.dir());
        rq.vfs().link(rq.caller(), f, dir, Nfs3Request.name(a.link.name()));
        Res r = new Res();
        r.attr = rq.postOp(f);
        r.dirWcc = rq.wcc(null, dir);
        return r;
    }

    @Override
    public Res failed(Nfs3Request rq, Args a, int status) {
        Res r = new Res();
        r.status = status;
        r.attr = Nfs3Request.postOp(rq, a.fh);
        r.dirWcc = Nfs3Request.wccAfter(rq, a.link.dir());
        return r;
    }
}
