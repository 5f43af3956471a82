package io.bucketfs.nfs.v3.proc;

import io.bucketfs.nfs.v3.Nfs3Args;
import io.bucketfs.nfs.v3.Nfs3Error;
import io.bucketfs.nfs.v3.Nfs3Proc;
import io.bucketfs.nfs.v3.Nfs3Request;
import io.bucketfs.nfs.v3.Nfs3Status;
import io.bucketfs.nfs.v3.xdr.Nfs3Xdr;
import io.bucketfs.nfs.v3.xdr.Sattr3;
import io.bucketfs.nfs.v3.xdr.WccData;
import io.bucketfs.nfs.v3.xdr.WccRes3;
import io.bucketfs.vfs.Attr;
import io.bucketfs.vfs.FileHandle;
import io.bucketfs.vfs.VfsException;
import io.bucketfs.vfs.VfsStatus;
import java.io.IOException;
import java.time.Instant;
import org.dcache.oncrpc4j.xdr.XdrDecodingStream;
import org.dcache.oncrpc4j.xdr.XdrEncodingStream;

/**
 * RFC 1813 section 3.3.2, procedure 2 SETATTR: changes attributes, optionally guarded by the ctime the client last
 * saw (a mismatch is NFS3ERR_NOT_SYNC).
 */
public final class Setattr3 implements Nfs3Proc<Setattr3.Args> {

    /** SETATTR3args: {@code nfs_fh3 object; sattr3 new_attributes; sattrguard3 guard}. */
    public static final class Args implements Nfs3Args {
        public byte[] fh;
        public Sattr3 attrs = Sattr3.NONE;
        /** sattrguard3: the ctime to check, or {@code null} for no check. */
        public Instant guard;

        @Override
        public byte[] handle() {
            return fh;
        }

        @Override
        public void xdrEncode(XdrEncodingStream x) {
            x.xdrEncodeDynamicOpaque(fh);
            attrs.encode(x);
            x.xdrEncodeBoolean(guard != null);
            if (guard != null) {
                Nfs3Xdr.time(x, guard);
            }
        }

        @Override
        public void xdrDecode(XdrDecodingStream x) throws IOException {
            fh = Nfs3Xdr.fh(x);
            attrs = Sattr3.decode(x);
            guard = Nfs3Xdr.bool(x) ? Nfs3Xdr.time(x) : null;
        }
    }

    @Override
    public String name() {
        return "SETATTR";
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
    public WccRes3 run(Nfs3Request rq, Args a) throws VfsException, Nfs3Error {
        FileHandle f = rq.file(a.fh);
        Attr before = rq.attrOrNull(f);
        if (a.attrs.size() != null && a.attrs.size() < 0) {
            throw new VfsException(VfsStatus.TOO_BIG, "size of 2^63 or more");
        }
        try {
            Attr after = rq.vfs().setattr(rq.caller(), f, a.attrs.toSetAttr(), a.guard);
            return new WccRes3(Nfs3Status.NFS3_OK, new WccData(WccData.Before.of(before), rq.attr(after)));
        } catch (VfsException e) {
            if (a.guard != null && e.status() == VfsStatus.INVALID) {
                Attr now = rq.attrOrNull(f);
                if (now != null && !now.ctime().equals(a.guard)) {
                    throw new Nfs3Error(Nfs3Status.NFS3ERR_NOT_SYNC, "ctime guard " + a.guard + " != " + now.ctime());
                }
            }
            throw e;
        }
    }

    @Override
    public WccRes3 failed(Nfs3Request rq, Args a, int status) {
        return new WccRes3(status, Nfs3Request.wccAfter(rq, a.fh));
    }
}
