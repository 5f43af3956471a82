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
 * RFC 1813 section 3.3.17, procedure 17 READDIRPLUS: entries with their attributes and handles, as many as fit in
 * both {@code dircount} (bytes of file id, name and cookie) and {@code maxcount} (the whole reply, capped at the
 * server's {@code maxIoBytes}).
 */
public final class Readdirplus3 implements Nfs3Proc<Readdirplus3.Args> {

    /** READDIRPLUS3args: {@code nfs_fh3 dir; cookie3 cookie; cookieverf3 cookieverf; count3 dircount, maxcount}. */
    public static final class Args implements Nfs3Args {
        public byte[] fh;
        public long cookie;
        public long verf;
        public int dircount;
        public int maxcount;

        @Override
        public byte[] handle() {
            return fh;
        }

        @Override
        public void xdrEncode(XdrEncodingStream x) {
            x.xdrEncodeDynamicOpaque(fh);
            x.xdrEncodeLong(cookie);
            Nfs3Xdr.verf(x, verf);
            x.xdrEncodeInt(dircount);
            x.xdrEncodeInt(maxcount);
        }

        @Override
        public void xdrDecode(XdrDecodingStream x) throws IOException {
            fh = Nfs3Xdr.fh(x);
            cookie = x.xdrDecodeLong();
            verf = Nfs3Xdr.verf(x);
            dircount = x.xdrDecodeInt();
            maxcount = x.xdrDecodeInt();
        }
    }

    /**
     * entryplus3: {@code fileid3 fileid; filename3 name; cookie3 cookie; post_op_attr name_attributes;
     * post_op_fh3 name_handle}.
     */
    public record EntryPlus3(long fileid, String name, long cookie, Fattr3 attr, byte[] handle) {

        /** Encodes the entry, preceded by its "value follows" word. */
        public void encode(XdrEncodingStream x) {
            x.xdrEncodeBoolean(true);
            x.xdrEncodeLong(fileid);
            Nfs3Xdr.string(x, name);
            x.xdrEncodeLong(cookie);
            Fattr3.encodeOpt(x, attr);
            x.xdrEncodeBoolean(handle != null);
            if (handle != null) {
                x.xdrEncodeDynamicOpaque(handle);
            }
        }

        static EntryPlus3 decode(XdrDecodingStream x) throws IOException {
            long id = x.xdrDecodeLong();
            String name = Nfs3Xdr.name(x);
            long cookie = x.xdrDecodeLong();
            Fattr3 attr = Fattr3.decodeOpt(x);
            byte[] fh = Nfs3Xdr.bool(x) ? Nfs3Xdr.fh(x) : null;
            return new EntryPlus3(id, name, cookie, attr, fh);
        }
    }

    /** READDIRPLUS3res: {@code post_op_attr dir_attributes; cookieverf3 cookieverf; dirlistplus3 reply} / attrs. */
    public static final class Res implements XdrAble {
        public int status;
        public Fattr3 dirAttr;
        public long verf;
        public List<EntryPlus3> entries = new ArrayList<>();
        public boolean eof;

        @Override
        public void xdrEncode(XdrEncodingStream x) {
            x.xdrEncodeInt(status);
            Fattr3.encodeOpt(x, dirAttr);
            if (status != 0) {
                return;
            }
            Nfs3Xdr.verf(x, verf);
            for (EntryPlus3 e : entries) {
                e.encode(x);
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
                entries.add(EntryPlus3.decode(x));
            }
            eof = Nfs3Xdr.bool(x);
        }
    }

    private static final DirWalk.Sizer SIZER = new DirWalk.Sizer() {
        @Override
        public int total(String name) {
            return 4 + 8 + DirWalk.nameLength(name) + 8 + 4 + Fattr3.LENGTH + 4 + 4 + 24;
        }

        @Override
        public int dirInfo(String name) {
            return 8 + DirWalk.nameLength(name) + 8;
        }
    };

    @Override
    public String name() {
        return "READDIRPLUS";
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
        int budget = (int) Math.min(Integer.toUnsignedLong(a.maxcount), rq.settings().maxIoBytes())
                - Readdir3.OVERHEAD;
        int dirBudget = (int) Math.min(Integer.toUnsignedLong(a.dircount), Integer.MAX_VALUE);
        if (dirBudget == 0) {
            dirBudget = Integer.MAX_VALUE; // some clients send 0: only maxcount limits then
        }
        DirWalk.Result w = DirWalk.walk(rq, dir, dirAttr, a.cookie, a.verf, SIZER, budget, dirBudget);
        Res r = new Res();
        r.dirAttr = rq.attr(dirAttr);
        r.verf = w.verifier();
        for (DirWalk.Item it : w.items()) {
            r.entries.add(new EntryPlus3(it.attr().fileId(), it.name(), it.cookie(), rq.attr(it.attr()),
                    rq.handle(it.handle())));
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
