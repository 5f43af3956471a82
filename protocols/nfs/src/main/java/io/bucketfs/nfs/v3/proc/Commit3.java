package io.bucketfs.nfs.v3.proc;

import io.bucketfs.nfs.v3.Nfs3Args;
import io.bucketfs.nfs.v3.Nfs3Error;
import io.bucketfs.nfs.v3.Nfs3Proc;
import io.bucketfs.nfs.v3.Nfs3Request;
import io.bucketfs.nfs.v3.xdr.Nfs3Xdr;
import io.bucketfs.nfs.v3.xdr.WccData;
import io.bucketfs.vfs.Attr;
import io.bucketfs.vfs.FileHandle;
import io.bucketfs.vfs.VfsException;
import java.io.IOException;
import org.dcache.oncrpc4j.xdr.XdrAble;
import org.dcache.oncrpc4j.xdr.XdrDecodingStream;
import org.dcache.oncrpc4j.xdr.XdrEncodingStream;

/**
 * RFC 1813 section 3.3.21, procedure 21 COMMIT: makes every UNSTABLE write to the file durable (the whole file,
 * whatever the range), and answers the write verifier so that the client can tell whether the gateway restarted.
 */
public final class Commit3 implements Nfs3Proc<Commit3.Args> {

    /** COMMIT3args: {@code nfs_fh3 file; offset3 offset; count3 count}. */
    public static final class Args implements Nfs3Args {
        public byte[] fh;
        public long offset;
        public int count;

        @Override
        public byte[] handle() {
            return fh;
        }

        @Override
        public void xdrEncode(XdrEncodingStream x) {
            x.xdrEncodeDynamicOpaque(fh);
            x.xdrEncodeLong(offset);
            x.xdrEncodeInt(count);
        }

        @Override
        public void xdrDecode(XdrDecodingStream x) throws IOException {
            fh = Nfs3Xdr.fh(x);
            offset = x.xdrDecodeLong();
            count = x.xdrDecodeInt();
        }
    }

    /** COMMIT3res: {@code wcc_data file_wcc; writeverf3 verf} / wcc. */
    public static final class Res implements XdrAble {
        public int status;
        public WccData wcc = WccData.NONE;
        public long verf;

        @Override
        public void xdrEncode(XdrEncodingStream x) {
            x.xdrEncodeInt(status);
            wcc.encode(x);
            if (status == 0) {
                Nfs3Xdr.verf(x, verf);
            }
        }

        @Override
        public void xdrDecode(XdrDecodingStream x) throws IOException {
            status = x.xdrDecodeInt();
            wcc = WccData.decode(x);
            verf = status == 0 ? Nfs3Xdr.verf(x) : 0;
        }
    }

    @Override
    public String name() {
        return "COMMIT";
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
        Attr before = rq.attrOrNull(f);
        rq.vfs().commit(rq.caller(), f);
        Res r = new Res();
        r.wcc = rq.wcc(before, f);
        r.verf = rq.vfs().writeVerifier();
        return r;
    }

    @Override
    public Res failed(Nfs3Request rq, Args a, int status) {
        Res r = new Res();
        r.status = status;
        r.wcc = Nfs3Request.wccAfter(rq, a.fh);
        return r;
    }
}
