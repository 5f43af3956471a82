package io.bucketfs.nfs.v4.ops;

import io.bucketfs.nfs.v4.xdr.Fattr4;
import io.bucketfs.nfs.v4.xdr.Stateid4;
import io.bucketfs.nfs.v4.xdr.XdrUtil;
import org.dcache.oncrpc4j.rpc.OncRpcException;
import org.dcache.oncrpc4j.xdr.XdrDecodingStream;
import org.dcache.oncrpc4j.xdr.XdrEncodingStream;

/** RFC 8881 18.16.1 {@code OPEN4args}: {@code openflag4}, {@code createhow4} and {@code open_claim4} unions. */
final class OpOpenCodec {

    private OpOpenCodec() {
    }

    static OpOpen.Args decode(XdrDecodingStream in) throws OncRpcException {
        int seqid = XdrUtil.u32(in);
        int access = XdrUtil.u32(in);
        int deny = XdrUtil.u32(in);
        long clientId = XdrUtil.u64(in);
        byte[] owner = XdrUtil.opaque(in, XdrUtil.OPAQUE_LIMIT, "open_owner4");
        int openType = XdrUtil.u32(in);
        int mode = -1;
        Fattr4 attrs = null;
        long verf = 0;
        if (openType == OpOpen.OPEN4_CREATE) {
            mode = XdrUtil.u32(in);
            switch (mode) {
                case OpOpen.UNCHECKED4, OpOpen.GUARDED4 -> attrs = Fattr4.decode(in);
                case OpOpen.EXCLUSIVE4 -> verf = XdrUtil.u64(in);
                case OpOpen.EXCLUSIVE4_1 -> {
                    verf = XdrUtil.u64(in);
                    attrs = Fattr4.decode(in);
                }
                default -> throw new XdrUtil.BadXdr("createmode4 " + mode);
            }
        } else if (openType != OpOpen.OPEN4_NOCREATE) {
            throw new XdrUtil.BadXdr("opentype4 " + openType);
        }
        int claim = XdrUtil.u32(in);
        String name = null;
        switch (claim) {
            case OpOpen.CLAIM_NULL, OpOpen.CLAIM_DELEGATE_PREV -> name = component(in);
            case OpOpen.CLAIM_PREVIOUS -> XdrUtil.u32(in);
            case OpOpen.CLAIM_DELEGATE_CUR -> {
                Stateid4.decode(in);
                name = component(in);
            }
            case OpOpen.CLAIM_DELEG_CUR_FH -> Stateid4.decode(in);
            case OpOpen.CLAIM_FH, OpOpen.CLAIM_DELEG_PREV_FH -> {
            }
            default -> throw new XdrUtil.BadXdr("open_claim_type4 " + claim);
        }
        return new OpOpen.Args(seqid, access, deny, clientId, owner, openType, mode, attrs, verf, claim, name);
    }

    private static String component(XdrDecodingStream in) throws OncRpcException {
        return XdrUtil.utf8(in, XdrUtil.MAX_STRING, "component4");
    }

    static void encode(OpOpen.Args a, XdrEncodingStream out) {
        out.xdrEncodeInt(a.seqid());
        out.xdrEncodeInt(a.shareAccess());
        out.xdrEncodeInt(a.shareDeny());
        out.xdrEncodeLong(a.clientId());
        XdrUtil.opaque(out, a.owner());
        out.xdrEncodeInt(a.openType());
        if (a.openType() == OpOpen.OPEN4_CREATE) {
            out.xdrEncodeInt(a.createMode());
            if (a.createMode() == OpOpen.EXCLUSIVE4 || a.createMode() == OpOpen.EXCLUSIVE4_1) {
                out.xdrEncodeLong(a.createVerifier());
            }
            if (a.createMode() != OpOpen.EXCLUSIVE4) {
                a.createAttrs().encode(out);
            }
        }
        out.xdrEncodeInt(a.claim());
        switch (a.claim()) {
            case OpOpen.CLAIM_NULL, OpOpen.CLAIM_DELEGATE_PREV -> XdrUtil.utf8(out, a.name());
            case OpOpen.CLAIM_PREVIOUS -> out.xdrEncodeInt(0);
            case OpOpen.CLAIM_DELEGATE_CUR -> {
                Stateid4.ANONYMOUS.encode(out);
                XdrUtil.utf8(out, a.name());
            }
            case OpOpen.CLAIM_DELEG_CUR_FH -> Stateid4.ANONYMOUS.encode(out);
            default -> {
            }
        }
    }
}
