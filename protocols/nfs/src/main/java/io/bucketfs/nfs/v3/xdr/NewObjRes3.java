package io.bucketfs.nfs.v3.xdr;

import java.io.IOException;
import org.dcache.oncrpc4j.xdr.XdrAble;
import org.dcache.oncrpc4j.xdr.XdrDecodingStream;
import org.dcache.oncrpc4j.xdr.XdrEncodingStream;

/**
 * The result shape shared by CREATE3res, MKDIR3res, SYMLINK3res and MKNOD3res (RFC 1813 sections 3.3.8–3.3.11):
 * on success {@code post_op_fh3 obj; post_op_attr obj_attributes; wcc_data dir_wcc}, on failure
 * {@code wcc_data dir_wcc}.
 */
public final class NewObjRes3 implements XdrAble {

    public int status;
    /** post_op_fh3: the new object's handle, or {@code null}. */
    public byte[] handle;
    public Fattr3 attr;
    public WccData dirWcc = WccData.NONE;

    public NewObjRes3() {
    }

    public NewObjRes3(byte[] handle, Fattr3 attr, WccData dirWcc) {
        this.handle = handle;
        this.attr = attr;
        this.dirWcc = dirWcc;
    }

    public static NewObjRes3 failed(int status, WccData dirWcc) {
        NewObjRes3 r = new NewObjRes3(null, null, dirWcc);
        r.status = status;
        return r;
    }

    @Override
    public void xdrEncode(XdrEncodingStream x) {
        x.xdrEncodeInt(status);
        if (status == 0) {
            x.xdrEncodeBoolean(handle != null);
            if (handle != null) {
                x.xdrEncodeDynamicOpaque(handle);
            }
            Fattr3.encodeOpt(x, attr);
        }
        dirWcc.encode(x);
    }

    @Override
    public void xdrDecode(XdrDecodingStream x) throws IOException {
        status = x.xdrDecodeInt();
        if (status == 0) {
            handle = Nfs3Xdr.bool(x) ? Nfs3Xdr.fh(x) : null;
            attr = Fattr3.decodeOpt(x);
        }
        dirWcc = WccData.decode(x);
    }
}
