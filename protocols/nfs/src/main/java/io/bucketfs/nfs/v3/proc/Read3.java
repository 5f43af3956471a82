package io.bucketfs.nfs.v3.proc;

import io.bucketfs.nfs.v3.Nfs3Args;
import io.bucketfs.nfs.v3.Nfs3Error;
import io.bucketfs.nfs.v3.Nfs3Proc;
import io.bucketfs.nfs.v3.Nfs3Request;
import io.bucketfs.nfs.v3.xdr.Fattr3;
import io.bucketfs.nfs.v3.xdr.Nfs3Xdr;
import io.bucketfs.vfs.FileHandle;
import io.bucketfs.vfs.ReadResult;
import io.bucketfs.vfs.VfsException;
import java.io.IOException;
import java.nio.ByteBuffer;
import org.dcache.oncrpc4j.xdr.XdrAble;
import org.dcache.oncrpc4j.xdr.XdrDecodingStream;
import org.dcache.oncrpc4j.xdr.XdrEncodingStream;

/**
 * RFC 1813 section 3.3.6, procedure 6 READ: up to {@code count} bytes at {@code offset}. A count above the
 * server's {@code maxIoBytes} (its FSINFO rtmax) is a short read, as the RFC allows; {@code eof} says whether the
 * read reached the end of the file.
 */
public final class Read3 implements Nfs3Proc<Read3.Args> {

    /** READ3args: {@code nfs_fh3 file; offset3 offset; count3 count}. */
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

    /** READ3res: {@code post_op_attr file_attributes; count3 count; bool eof; opaque data<>} / attrs. */
    public static final class Res implements XdrAble {
        public int status;
        public Fattr3 attr;
        public boolean eof;
        public byte[] data = new byte[0];
        public int count;

        @Override
        public void xdrEncode(XdrEncodingStream x) {
            x.xdrEncodeInt(status);
            Fattr3.encodeOpt(x, attr);
            if (status == 0) {
                x.xdrEncodeInt(count);
                x.xdrEncodeBoolean(eof);
                x.xdrEncodeInt(count);
                x.xdrEncodeOpaque(data, 0, count);
            }
        }

        @Override
        public void xdrDecode(XdrDecodingStream x) throws IOException {
            status = x.xdrDecodeInt();
            attr = Fattr3.decodeOpt(x);
            if (status == 0) {
                x.xdrDecodeInt();
                eof = Nfs3Xdr.bool(x);
                data = Nfs3Xdr.opaque(x, Integer.MAX_VALUE - 8, "data");
                count = data.length;
            }
        }
    }

    @Override
    public String name() {
        return "READ";
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
        Res r = new Res();
        long want = Math.min(Integer.toUnsignedLong(a.count), rq.settings().maxIoBytes());
        if (a.offset < 0 || want == 0) {
            // an offset of 2^63 or more is past the end of any file; a count of 0 reads nothing
            r.attr = rq.attr(rq.vfs().getattr(rq.caller(), f));
            r.eof = a.offset < 0 || a.offset >= r.attr.size();
            return r;
        }
        r.data = new byte[(int) want];
        ReadResult rr = rq.vfs().read(rq.caller(), f, a.offset, ByteBuffer.wrap(r.data));
        r.count = rr.count();
        r.eof = rr.eof();
        r.attr = rq.postOp(f);
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
