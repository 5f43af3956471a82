package io.bucketfs.nfs.v4.ops;

import io.bucketfs.nfs.v4.xdr.XdrUtil;
import io.bucketfs.vfs.lock.ByteRangeLock;
import io.bucketfs.vfs.lock.LockOwner;
import io.bucketfs.vfs.lock.LockType;
import java.nio.charset.StandardCharsets;
import java.util.Arrays;
import java.util.HexFormat;
import org.dcache.oncrpc4j.rpc.OncRpcException;
import org.dcache.oncrpc4j.xdr.XdrDecodingStream;
import org.dcache.oncrpc4j.xdr.XdrEncodingStream;

/**
 * RFC 8881 18.10.2 {@code LOCK4denied}: the conflicting lock. An NFSv4 holder is reported with its client id and
 * owner; a holder of another protocol (SMB) with client id 0 and its owner name.
 */
public record LockDenied(long offset, long length, int lockType, long clientId, byte[] owner) {

    public static final int READ_LT = 1;
    public static final int WRITE_LT = 2;
    public static final int READW_LT = 3;
    public static final int WRITEW_LT = 4;

    static LockDenied of(ByteRangeLock l) {
        LockOwner o = l.owner();
        long client = 0;
        byte[] owner;
        if (o.namespace().startsWith("nfs4:") && o.id().startsWith("lock:")) {
            client = Long.parseUnsignedLong(o.namespace().substring(5), 16);
            owner = HexFormat.of().parseHex(o.id().substring(5));
        } else {
            byte[] b = o.toString().getBytes(StandardCharsets.UTF_8);
            owner = Arrays.copyOf(b, Math.min(b.length, XdrUtil.OPAQUE_LIMIT));
        }
        return new LockDenied(l.range().offset(), l.range().length(),
                l.type() == LockType.WRITE ? WRITE_LT : READ_LT, client, owner);
    }

    /** nfs_lock_type4 → the VFS lock type (the W variants are the same lock, the client just may wait). */
    static LockType type(int lockType) {
        return lockType == WRITE_LT || lockType == WRITEW_LT ? LockType.WRITE : LockType.READ;
    }

    static int checkType(int t) throws OncRpcException {
        if (t < READ_LT || t > WRITEW_LT) {
            throw new XdrUtil.BadXdr("nfs_lock_type4 " + t);
        }
        return t;
    }

    public void encode(XdrEncodingStream out) {
        out.xdrEncodeLong(offset);
        out.xdrEncodeLong(length);
        out.xdrEncodeInt(lockType);
        out.xdrEncodeLong(clientId);
        XdrUtil.opaque(out, owner);
    }

    public static LockDenied decode(XdrDecodingStream in) throws OncRpcException {
        return new LockDenied(XdrUtil.u64(in), XdrUtil.u64(in), XdrUtil.u32(in), XdrUtil.u64(in),
                XdrUtil.opaque(in, XdrUtil.OPAQUE_LIMIT, "lock_owner4"));
    }
}
