package io.bucketfs.nfs.v3.proc;

import io.bucketfs.nfs.v3.Nfs3Args;
import io.bucketfs.nfs.v3.Nfs3Error;
import io.bucketfs.nfs.v3.Nfs3Proc;
import io.bucketfs.nfs.v3.Nfs3Request;
import io.bucketfs.nfs.v3.xdr.DirOpArgs3;
import io.bucketfs.nfs.v3.xdr.NewObjRes3;
import io.bucketfs.nfs.v3.xdr.Nfs3Xdr;
import io.bucketfs.nfs.v3.xdr.Sattr3;
import io.bucketfs.nfs.v3.xdr.XdrGarbage;
import io.bucketfs.vfs.Attr;
import io.bucketfs.vfs.CreateMode;
import io.bucketfs.vfs.Entry;
import io.bucketfs.vfs.FileHandle;
import io.bucketfs.vfs.SetAttr;
import io.bucketfs.vfs.VfsException;
import java.io.IOException;
import org.dcache.oncrpc4j.xdr.XdrDecodingStream;
import org.dcache.oncrpc4j.xdr.XdrEncodingStream;

/**
 * RFC 1813 section 3.3.8, procedure 8 CREATE: a regular file, UNCHECKED (open an existing one, applying the
 * attributes), GUARDED (NFS3ERR_EXIST if it exists) or EXCLUSIVE (the verifier makes a retransmission succeed;
 * the client sets the attributes with a SETATTR afterwards).
 */
public final class Create3 implements Nfs3Proc<Create3.Args> {

    /** createmode3. */
    public static final int UNCHECKED = 0;
    public static final int GUARDED = 1;
    public static final int EXCLUSIVE = 2;

    /** CREATE3args: {@code diropargs3 where; createhow3 how} (sattr3 or createverf3 by mode). */
    public static final class Args implements Nfs3Args {
        public DirOpArgs3 where;
        public int mode;
        public Sattr3 attrs = Sattr3.NONE;
        public long verf;

        @Override
        public byte[] handle() {
            return where.dir();
        }

        @Override
        public void xdrEncode(XdrEncodingStream x) {
            where.encode(x);
            x.xdrEncodeInt(mode);
            if (mode == EXCLUSIVE) {
                Nfs3Xdr.verf(x, verf);
            } else {
                attrs.encode(x);
            }
        }

        @Override
        public void xdrDecode(XdrDecodingStream x) throws IOException {
            where = DirOpArgs3.decode(x);
            mode = x.xdrDecodeInt();
            switch (mode) {
                case UNCHECKED, GUARDED -> attrs = Sattr3.decode(x);
                case EXCLUSIVE -> verf = Nfs3Xdr.verf(x);
                default -> throw new XdrGarbage("createmode3 " + mode);
            }
        }
    }

    @Override
    public String name() {
        return "CREATE";
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
        FileHandle dir = rq.file(a.where.dir());
        String name = Nfs3Request.name(a.where.name());
        Attr before = rq.attrOrNull(dir);
        CreateMode m = switch (a.mode) {
            case UNCHECKED -> CreateMode.UNCHECKED;
            case GUARDED -> CreateMode.GUARDED;
            default -> CreateMode.EXCLUSIVE;
        };
        SetAttr initial = a.mode == EXCLUSIVE ? SetAttr.NONE : a.attrs.toSetAttr();
        Entry e = rq.vfs().create(rq.caller(), dir, name, m, initial, a.verf);
        return new NewObjRes3(rq.handle(e.handle()), rq.attr(e.attr()), rq.wcc(before, dir));
    }

    @Override
    public NewObjRes3 failed(Nfs3Request rq, Args a, int status) {
        return NewObjRes3.failed(status, Nfs3Request.wccAfter(rq, a.where.dir()));
    }
}
