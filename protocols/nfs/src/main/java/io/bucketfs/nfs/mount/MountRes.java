package io.bucketfs.nfs.mount;

import io.bucketfs.nfs.v3.xdr.Nfs3Xdr;
import java.io.IOException;
import org.dcache.oncrpc4j.xdr.XdrAble;
import org.dcache.oncrpc4j.xdr.XdrDecodingStream;
import org.dcache.oncrpc4j.xdr.XdrEncodingStream;

/**
 * RFC 1813 Appendix I, procedure 1 MNT result mountres3: on MNT3_OK the directory's {@code fhandle3} and the
 * accepted {@code auth_flavors}; nothing otherwise.
 */
public final class MountRes implements XdrAble {

    /** At most this many flavors are decoded. */
    static final int MAX_FLAVORS = 16;

    public int status;
    public byte[] handle;
    public int[] flavors = new int[0];

    public MountRes() {
    }

    public MountRes(int status, byte[] handle, int[] flavors) {
        this.status = status;
        this.handle = handle;
        this.flavors = flavors;
    }

    @Override
    public void xdrEncode(XdrEncodingStream x) {
        x.xdrEncodeInt(status);
        if (status == MountStatus.MNT3_OK) {
            x.xdrEncodeDynamicOpaque(handle);
            x.xdrEncodeIntVector(flavors);
        }
    }

    @Override
    public void xdrDecode(XdrDecodingStream x) throws IOException {
        status = x.xdrDecodeInt();
        if (status == MountStatus.MNT3_OK) {
            handle = Nfs3Xdr.fh(x);
            int n = Nfs3Xdr.length(x, MAX_FLAVORS, "auth_flavors");
            flavors = new int[n];
            for (int i = 0; i < n; i++) {
                flavors[i] = x.xdrDecodeInt();
            }
        }
    }
}
