package io.bucketfs.nfs.v3.proc;

import io.bucketfs.nfs.v3.Nfs3Args;
import io.bucketfs.nfs.v3.Nfs3Error;
import io.bucketfs.nfs.v3.Nfs3Proc;
import io.bucketfs.nfs.v3.Nfs3Request;
import io.bucketfs.nfs.v3.Nfs3Status;
import io.bucketfs.nfs.v3.xdr.DirOpArgs3;
import io.bucketfs.nfs.v3.xdr.Fattr3;
import io.bucketfs.nfs.v3.xdr.NewObjRes3;
import io.bucketfs.nfs.v3.xdr.Sattr3;
import io.bucketfs.vfs.VfsException;
import java.io.IOException;
import org.dcache.oncrpc4j.xdr.XdrDecodingStream;
import org.dcache.oncrpc4j.xdr.XdrEncodingStream;

/**
 * RFC 1813 section 3.3.11, procedure 11 MKNOD: special files are not supported (NFS3ERR_NOTSUPP); a type that is
 * not a special file is NFS3ERR_BADTYPE, as the RFC asks.
 */
public final class Mknod3 implements Nfs3Proc<Mknod3.Args> {

    /** MKNOD3args: {@code diropargs3 where; mknoddata3 what} (by type: sattr3 and specdata3, sattr3, or void). */
    public static final class Args implements Nfs3Args {
        public DirOpArgs3 where;
        public int type;
        public Sattr3 attrs = Sattr3.NONE;
        public int major;
        public int minor;

        @Override
        public byte[] handle() {
            return where.dir();
        }

        @Override
        public void xdrEncode(XdrEncodingStream x) {
            where.encode(x);
            x.xdrEncodeInt(type);
            if (type == Fattr3.NF3CHR || type == Fattr3.NF3BLK || type == Fattr3.NF3SOCK
                    || type == Fattr3.NF3FIFO) {
                attrs.encode(x);
            }
            if (type == Fattr3.NF3CHR || type == Fattr3.NF3BLK) {
                x.xdrEncodeInt(major);
                x.xdrEncodeInt(minor);
            }
        }

        @Override
        public void xdrDecode(XdrDecodingStream x) throws IOException {
            where = DirOpArgs3.decode(x);
            type = x.xdrDecodeInt();
            if (type == Fattr3.NF3CHR || type == Fattr3.NF3BLK || type == Fattr3.NF3SOCK
                    || type == Fattr3.NF3FIFO) {
                attrs = Sattr3.decode(x);
            }
            if (type == Fattr3.NF3CHR || type == Fattr3.NF3BLK) {
                major = x.xdrDecodeInt();
                minor = x.xdrDecodeInt();
            }
        }
    }

    @Override
    public String name() {
        return "MKNOD";
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
        rq.file(a.where.dir());
        if (a.type < Fattr3.NF3BLK || a.type > Fattr3.NF3FIFO || a.type == Fattr3.NF3LNK) {
            throw new Nfs3Error(Nfs3Status.NFS3ERR_BADTYPE, "mknod of ftype3 " + a.type);
        }
        throw new Nfs3Error(Nfs3Status.NFS3ERR_NOTSUPP, "special files are not supported");
    }

    @Override
    public NewObjRes3 failed(Nfs3Request rq, Args a, int status) {
        return NewObjRes3.failed(status, Nfs3Request.wccAfter(rq, a.where.dir()));
    }
}
