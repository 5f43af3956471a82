package io.bucketfs.nfs.v3.proc;

import io.bucketfs.nfs.v3.Nfs3Error;
import io.bucketfs.nfs.v3.Nfs3Proc;
import io.bucketfs.nfs.v3.Nfs3Request;
import io.bucketfs.nfs.v3.xdr.FhArgs3;
import io.bucketfs.nfs.v3.xdr.Fattr3;
import io.bucketfs.vfs.FileHandle;
import io.bucketfs.vfs.Vfs;
import io.bucketfs.vfs.VfsException;
import java.io.IOException;
import org.dcache.oncrpc4j.xdr.XdrAble;
import org.dcache.oncrpc4j.xdr.XdrDecodingStream;
import org.dcache.oncrpc4j.xdr.XdrEncodingStream;

/**
 * RFC 1813 section 3.3.20, procedure 20 PATHCONF: one link per file, {@link Vfs#MAX_NAME_BYTES}-byte names that
 * are refused rather than truncated, chown restricted to root, case-sensitive and case-preserving.
 */
public final class Pathconf3 implements Nfs3Proc<FhArgs3> {

    /**
     * PATHCONF3res: {@code post_op_attr obj_attributes; uint32 linkmax, name_max; bool no_trunc,
     * chown_restricted, case_insensitive, case_preserving} / attrs.
     */
    public static final class Res implements XdrAble {
        public int status;
        public Fattr3 attr;
        public int linkmax;
        public int nameMax;
        public boolean noTrunc;
        public boolean chownRestricted;
        public boolean caseInsensitive;
        public boolean casePreserving;

        @Override
        public void xdrEncode(XdrEncodingStream x) {
            x.xdrEncodeInt(status);
            Fattr3.encodeOpt(x, attr);
            if (status == 0) {
                x.xdrEncodeInt(linkmax);
                x.xdrEncodeInt(nameMax);
                x.xdrEncodeBoolean(noTrunc);
                x.xdrEncodeBoolean(chownRestricted);
                x.xdrEncodeBoolean(caseInsensitive);
                x.xdrEncodeBoolean(casePreserving);
            }
        }

        @Override
        public void xdrDecode(XdrDecodingStream x) throws IOException {
            status = x.xdrDecodeInt();
            attr = Fattr3.decodeOpt(x);
            if (status == 0) {
                linkmax = x.xdrDecodeInt();
                nameMax = x.xdrDecodeInt();
                noTrunc = x.xdrDecodeBoolean();
                chownRestricted = x.xdrDecodeBoolean();
                caseInsensitive = x.xdrDecodeBoolean();
                casePreserving = x.xdrDecodeBoolean();
            }
        }
    }

    @Override
    public String name() {
        return "PATHCONF";
    }

    @Override
    public FhArgs3 newArgs() {
        return new FhArgs3();
    }

    @Override
    public boolean modifies() {
        return false;
    }

    @Override
    public Res run(Nfs3Request rq, FhArgs3 a) throws VfsException, Nfs3Error {
        FileHandle f = rq.file(a.fh);
        Res r = new Res();
        r.attr = rq.attr(rq.vfs().getattr(rq.caller(), f));
        r.linkmax = 1;
        r.nameMax = Vfs.MAX_NAME_BYTES;
        r.noTrunc = true;
        r.chownRestricted = true;
        r.caseInsensitive = false;
        r.casePreserving = true;
        return r;
    }

    @Override
    public Res failed(Nfs3Request rq, FhArgs3 a, int status) {
        Res r = new Res();
        r.status = status;
        r.attr = Nfs3Request.postOp(rq, a.fh);
        return r;
    }
}
