package io.bucketfs.nfs.v3.proc;

import io.bucketfs.nfs.v3.Nfs3Args;
import io.bucketfs.nfs.v3.Nfs3Error;
import io.bucketfs.nfs.v3.Nfs3Proc;
import io.bucketfs.nfs.v3.Nfs3Request;
import io.bucketfs.nfs.v3.Nfs3Status;
import io.bucketfs.nfs.v3.xdr.Nfs3Xdr;
import io.bucketfs.nfs.v3.xdr.WccData;
import io.bucketfs.nfs.v3.xdr.XdrGarbage;
import io.bucketfs.vfs.Attr;
import io.bucketfs.vfs.FileHandle;
import io.bucketfs.vfs.Stability;
import io.bucketfs.vfs.VfsException;
import io.bucketfs.vfs.WriteResult;
import java.io.IOException;
import java.nio.ByteBuffer;
import org.dcache.oncrpc4j.xdr.XdrAble;
import org.dcache.oncrpc4j.xdr.XdrDecodingStream;
import org.dcache.oncrpc4j.xdr.XdrEncodingStream;

/**
 * RFC 1813 section 3.3.7, procedure 7 WRITE: {@code stable_how} UNSTABLE/DATA_SYNC/FILE_SYNC becomes the VFS
 * {@link Stability}; the verifier is the gateway run's {@code Vfs.writeVerifier()}. Data longer than the server's
 * {@code maxIoBytes} (its FSINFO wtmax) is refused as garbage before it is allocated.
 */
public final class Write3 implements Nfs3Proc<Write3.Args> {

    /** stable_how. */
    public static final int UNSTABLE = 0;
    public static final int DATA_SYNC = 1;
    public static final int FILE_SYNC = 2;

    private final int maxData;

    /** @param maxData the longest data accepted (the server's {@code maxIoBytes}) */
    public Write3(int maxData) {
        this.maxData = maxData;
    }

    /** WRITE3args: {@code nfs_fh3 file; offset3 offset; count3 count; stable_how stable; opaque data<>}. */
    public static final class Args implements Nfs3Args {
        private final int maxData;
        public byte[] fh;
        public long offset;
        public int count;
        public int stable;
        public byte[] data;

        public Args(int maxData) {
            this.maxData = maxData;
        }

        @Override
        public byte[] handle() {
            return fh;
        }

        @Override
        public void xdrEncode(XdrEncodingStream x) {
            x.xdrEncodeDynamicOpaque(fh);
            x.xdrEncodeLong(offset);
            x.xdrEncodeInt(count);
            x.xdrEncodeInt(stable);
            x.xdrEncodeDynamicOpaque(data);
        }

        @Override
        public void xdrDecode(XdrDecodingStream x) throws IOException {
            fh = Nfs3Xdr.fh(x);
            offset = x.xdrDecodeLong();
            count = x.xdrDecodeInt();
            stable = x.xdrDecodeInt();
            if (stable < UNSTABLE || stable > FILE_SYNC) {
                throw new XdrGarbage("stable_how " + stable);
            }
            data = Nfs3Xdr.opaque(x, maxData, "WRITE data");
        }
    }

    /** WRITE3res: {@code wcc_data file_wcc; count3 count; stable_how committed; writeverf3 verf} / wcc. */
    public static final class Res implements XdrAble {
        public int status;
        public WccData wcc = WccData.NONE;
        public int count;
        public int committed;
        public long verf;

        @Override
        public void xdrEncode(XdrEncodingStream x) {
            x.xdrEncodeInt(status);
            wcc.encode(x);
            if (status == 0) {
                x.xdrEncodeInt(count);
                x.xdrEncodeInt(committed);
                Nfs3Xdr.verf(x, verf);
            }
        }

        @Override
        public void xdrDecode(XdrDecodingStream x) throws IOException {
            status = x.xdrDecodeInt();
            wcc = WccData.decode(x);
            if (status == 0) {
                count = x.xdrDecodeInt();
                committed = x.xdrDecodeInt();
                verf = Nfs3Xdr.verf(x);
            }
        }
    }

    @Override
    public String name() {
        return "WRITE";
    }

    @Override
    public Args newArgs() {
        return new Args(maxData);
    }

    @Override
    public boolean modifies() {
        return true;
    }

    @Override
    public Res run(Nfs3Request rq, Args a) throws VfsException, Nfs3Error {
        FileHandle f = rq.file(a.fh);
        if (a.count < 0 || a.count > a.data.length || a.offset < 0 || a.offset + a.count < 0) {
            throw new Nfs3Error(Nfs3Status.NFS3ERR_INVAL, "count " + Integer.toUnsignedString(a.count) + " with "
                    + a.data.length + " bytes of data at offset " + Long.toUnsignedString(a.offset));
        }
        Attr before = rq.attrOrNull(f);
        Stability s = switch (a.stable) {
            case UNSTABLE -> Stability.UNSTABLE;
            case DATA_SYNC -> Stability.DATA_SYNC;
            default -> Stability.FILE_SYNC;
        };
        io.bucketfs.nfs.LeaseBreaks.beforeWrite(rq.vfs(), f.fileId());
        WriteResult w = rq.vfs().write(rq.caller(), f, a.offset, ByteBuffer.wrap(a.data, 0, a.count), s);
        Res r = new Res();
        r.wcc = new WccData(WccData.Before.of(before), rq.attr(w.attr()));
        r.count = w.count();
        r.committed = switch (w.stability()) {
            case UNSTABLE -> UNSTABLE;
            case DATA_SYNC -> DATA_SYNC;
            case FILE_SYNC -> FILE_SYNC;
        };
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
