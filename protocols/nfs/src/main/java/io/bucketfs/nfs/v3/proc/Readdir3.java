package io.bucketfs.nfs.v3.proc;

import io.bucketfs.nfs.v3.Nfs3Args;
import io.bucketfs.nfs.v3.Nfs3Error;
import io.bucketfs.nfs.v3.Nfs3Proc;
import io.bucketfs.nfs.v3.Nfs3Request;
import io.bucketfs.nfs.v3.xdr.Fattr3;
import io.bucketfs.nfs.v3.xdr.Nfs3Xdr;
import io.bucketfs.vfs.Attr;
import io.bucketfs.vfs.FileHandle;
import io.bucketfs.vfs.VfsException;
import java.io.IOException;
import java.util.ArrayList;
import java.util.List;
import org.dcache.oncrpc4j.xdr.XdrAble;
import org.dcache.oncrpc4j.xdr.XdrDecodingStream;
import org.dcache.oncrpc4j.xdr.XdrEncodingStream;

/**
 * RFC 1813 section 3.3.16, procedure 16 READDIR: names and file ids of a directory, as many as fit in
 * {@code count} bytes (itself capped at the server's {@code maxIoBytes}).
 */
public final class Readdir3 implements Nfs3Proc<Readdir3.Args> {

    /** Status, dir attributes, verifier, end-of-list and eof words around the entries. */
    static final int OVERHEAD = 4 + 4 + Fattr3.LENGTH + 8 + 4 + 4;

    /** READDIR3args: {@code nfs_fh3 dir; cookie3 cookie; cookieverf3 cookieverf; count3 count}. */
    public static final class Args implements Nfs3Args {
        public byte[] fh;
        public long cookie;
        public long verf;
        public int count;

        @Override
        public byte[] handle() {
            return fh;
        }

        @Override
        public void xdrEncode(XdrEncodingStream x) {
            x.xdrEncodeDynamicOpaque(fh);
            x.xdrEncodeLong(cookie);
            Nfs3Xdr.verf(x, verf);
            x.xdrEncodeInt(count);
        }

        @Override
        public void xdrDecode(XdrDecodingStream x) throws IOException {
            fh = Nfs3Xdr.fh(x);
            cookie = x.xdrDecodeLong();
            verf = Nfs3Xdr.verf(x);
            count = x.xdrDecodeInt();
        }
    }

    /** entry3: {@code fileid3 fileid; filename3 name; cookie3 cookie}. */
    public record Entry3(long fileid, String name, long cookie) {
    }

    /** READDIR3res: {@code post_op_attr dir_attributes; cookieverf3 cookieverf; dirlist3 reply} / attrs. */
    public static final class Res implements XdrAble {
        public int status;
        public Fattr3 dirAttr;
        public long verf;
        public List<Entry3> entries = new ArrayList<>();
        public boolean eof;

        @Override
        public void xdrEncode(XdrEncodingStream x) {
            x.xdrEncodeInt(status);
            Fattr3.encodeOpt(x, dirAttr);
            if (status != 0) {
                return;
            }
            Nfs3Xdr.verf(x, verf);
            for (Entry3 e : entries) {
                x.xdrEncodeBoolean(true);
                x.xdrEncodeLong(e.fileid());
                Nfs3Xdr.string(x, e.name());
                x.xdrEncodeLong(e.cookie());
            }
            x.xdrEncodeBoolean(false);
            x.xdrEncodeBoolean(eof);
        }

        @Override
        public void xdrDecode(XdrDecodingStream x) throws IOException {
            status = x.xdrDecodeInt();
            dirAttr = Fattr3.decodeOpt(x);
            if (status != 0) {
                return;
            }
            verf = Nfs3Xdr.verf(x);
            while (Nfs3Xdr.bool(x)) {
                entries.add(new Entry3(x.xdrDecodeLong(), Nfs3Xdr.name(x), x.xdrDecodeLong()));
            }
            eof = Nfs3Xdr.bool(x);
        }
    }

    private static final DirWalk.Sizer SIZER = new DirWalk.Sizer() {
        @Override
        public int total(String name) {
            return 4 + 8 + DirWalk.nameLength(name) + 8;
        }

        @Override
        public int dirInfo(String name) {
            return total(name);
        }
    };

    @Override
    public String name() {
        return "READDIR";
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
        FileHandle dir = rq.file(a.fh);
        Attr dirAttr = rq.vfs().getattr(rq.caller(), dir);
        int budget = (int) Math.min(Integer.toUnsignedLong(a.count), rq.settings().maxIoBytes()) - OVERHEAD;
        DirWalk.Result w = DirWalk.walk(rq, dir, dirAttr, a.cookie, a.verf, SIZER, budget, Integer.MAX_VALUE);
        Res r = new Res();
        r.dirAttr = rq.attr(dirAttr);
        r.verf = w.verifier();
        for (DirWalk.Item it : w.items()) {
            r.entries.add(new Entry3(it.attr().fileId(), it.name(), it.cookie()));
        }
        r.eof = w.eof();
        return r;
    }

    @Override
    public Res failed(Nfs3Request rq, Args a, int status) {
        Res r = new Res();
        r.status = status;
        r.dirAttr = Nfs3Request.postOp(rq, a.fh);
        return r;
    }
}
