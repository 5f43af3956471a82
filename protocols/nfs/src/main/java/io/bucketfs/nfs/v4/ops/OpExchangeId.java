package io.bucketfs.nfs.v4.ops;

import io.bucketfs.nfs.v4.CompoundContext;
import io.bucketfs.nfs.v4.Nfs4Exception;
import io.bucketfs.nfs.v4.NfsStat4;
import io.bucketfs.nfs.v4.state.ClientRecord;
import io.bucketfs.nfs.v4.state.StateManager;
import io.bucketfs.nfs.v4.xdr.Bitmap4;
import io.bucketfs.nfs.v4.xdr.NfsTime4;
import io.bucketfs.nfs.v4.xdr.XdrUtil;
import java.time.Instant;
import java.util.Arrays;
import java.util.Optional;
import org.dcache.oncrpc4j.rpc.OncRpcException;
import org.dcache.oncrpc4j.xdr.XdrDecodingStream;
import org.dcache.oncrpc4j.xdr.XdrEncodingStream;

/**
 * RFC 8881 18.35 EXCHANGE_ID: a client presents its owner and verifier and gets a client id. The same owner with
 * the same verifier gets its id back; a new verifier means the client restarted, so its old record and everything
 * it held go. State protection: SP4_NONE and SP4_MACH_CRED are answered (the latter with empty operation sets);
 * SP4_SSV is refused (NFS4ERR_ENCR_ALG_UNSUPP). No pNFS: EXCHGID4_FLAG_USE_NON_PNFS.
 */
public final class OpExchangeId {

    public static final int SP4_NONE = 0;
    public static final int SP4_MACH_CRED = 1;
    public static final int SP4_SSV = 2;
    public static final int FLAG_USE_NON_PNFS = 0x00010000;
    public static final int FLAG_CONFIRMED_R = 0x80000000;
    public static final int FLAG_UPD_CONFIRMED_REC_A = 0x40000000;

    private OpExchangeId() {
    }

    /** @param stateProtect spa_how (the operation bitmaps of SP4_MACH_CRED are not kept) */
    public record Args(byte[] verifier, byte[] ownerId, int flags, int stateProtect) implements OpArgs {
        @Override
        public int opcode() {
            return OpCode.EXCHANGE_ID;
        }

        @Override
        public void encode(XdrEncodingStream out) {
            XdrUtil.fixed(out, verifier);
            XdrUtil.opaque(out, ownerId);
            out.xdrEncodeInt(flags);
            out.xdrEncodeInt(SP4_NONE);
            out.xdrEncodeInt(0); // no client_impl_id
        }

        @Override
        public OpRes execute(CompoundContext ctx) throws Nfs4Exception {
            if (stateProtect == SP4_SSV) {
                throw new Nfs4Exception(NfsStat4.NFS4ERR_ENCR_ALG_UNSUPP, "SP4_SSV state protection");
            }
            StateManager sm = ctx.state();
            ClientRecord c;
            synchronized (sm) {
                Optional<ClientRecord> old = sm.byOwner(ownerId);
                if (old.isPresent() && Arrays.equals(old.get().verifier(), verifier)) {
                    c = old.get();
                    c.renew(sm.now());
                } else {
                    if ((flags & FLAG_UPD_CONFIRMED_REC_A) != 0) {
                        throw new Nfs4Exception(old.isPresent() ? NfsStat4.NFS4ERR_NOT_SAME
                                : NfsStat4.NFS4ERR_NOENT, "update of an unknown client record");
                    }
                    old.ifPresent(sm::destroy);
                    c = sm.newClient(ownerId, verifier, ctx.minorVersion());
                }
            }
            int f = FLAG_USE_NON_PNFS | (c.confirmed() ? FLAG_CONFIRMED_R : 0);
            return new Res(NfsStat4.NFS4_OK, c.id(), sm.nextCreateSessionSeq(c), f,
                    stateProtect, Integer.toUnsignedLong(sm.boot()), ctx.service().serverOwner());
        }
    }

    public record Res(int status, long clientId, int sequenceId, int flags, int stateProtect, long minorId,
            byte[] majorId) implements OpRes {
        @Override
        public int opcode() {
            return OpCode.EXCHANGE_ID;
        }

        @Override
        public void encode(XdrEncodingStream out) {
            out.xdrEncodeInt(status);
            out.xdrEncodeLong(clientId);
            out.xdrEncodeInt(sequenceId);
            out.xdrEncodeInt(flags);
            out.xdrEncodeInt(stateProtect);
            if (stateProtect == SP4_MACH_CRED) {
                Bitmap4.EMPTY.encode(out);
                Bitmap4.EMPTY.encode(out);
            }
            out.xdrEncodeLong(minorId);
            XdrUtil.opaque(out, majorId);
            XdrUtil.opaque(out, majorId); // server scope
            out.xdrEncodeInt(1); // one nfs_impl_id4
            XdrUtil.utf8(out, "bucketfs.io");
            XdrUtil.utf8(out, "bucketfs");
            NfsTime4.encode(out, Instant.EPOCH);
        }
    }

    public static Args decode(XdrDecodingStream in) throws OncRpcException {
        byte[] verf = XdrUtil.fixed(in, 8);
        byte[] owner = XdrUtil.opaque(in, XdrUtil.OPAQUE_LIMIT, "co_ownerid");
        int flags = XdrUtil.u32(in);
        int how = XdrUtil.u32(in);
        switch (how) {
            case SP4_NONE -> {
            }
            case SP4_MACH_CRED -> {
                Bitmap4.decode(in);
                Bitmap4.decode(in);
            }
            case SP4_SSV -> skipSsvParms(in);
            default -> throw new XdrUtil.BadXdr("state_protect_how4 " + how);
        }
        int impl = XdrUtil.length(in, 1, "client_impl_id");
        if (impl == 1) {
            XdrUtil.opaque(in, XdrUtil.MAX_STRING, "nii_domain");
            XdrUtil.opaque(in, XdrUtil.MAX_STRING, "nii_name");
            NfsTime4.decode(in);
        }
        return new Args(verf, owner, flags, how);
    }

    /** ssv_sp_parms4: two bitmaps, two sec_oid4 arrays, window and handle count. */
    private static void skipSsvParms(XdrDecodingStream in) throws OncRpcException {
        Bitmap4.decode(in);
        Bitmap4.decode(in);
        for (int k = 0; k < 2; k++) {
            int n = XdrUtil.length(in, 64, "sec_oid4<>");
            for (int i = 0; i < n; i++) {
                XdrUtil.opaque(in, XdrUtil.OPAQUE_LIMIT, "sec_oid4");
            }
        }
        XdrUtil.u32(in);
        XdrUtil.u32(in);
    }

    public static OpRes decodeRes(XdrDecodingStream in) throws OncRpcException {
        int status = XdrUtil.u32(in);
        if (status != NfsStat4.NFS4_OK) {
            return new StatusRes(OpCode.EXCHANGE_ID, status);
        }
        long id = XdrUtil.u64(in);
        int seq = XdrUtil.u32(in);
        int flags = XdrUtil.u32(in);
        int sp = XdrUtil.u32(in);
        if (sp == SP4_MACH_CRED) {
            Bitmap4.decode(in);
            Bitmap4.decode(in);
        }
        long minor = XdrUtil.u64(in);
        byte[] major = XdrUtil.opaque(in, XdrUtil.OPAQUE_LIMIT, "so_major_id");
        XdrUtil.opaque(in, XdrUtil.OPAQUE_LIMIT, "server_scope");
        if (XdrUtil.length(in, 1, "server_impl_id") == 1) {
            XdrUtil.opaque(in, XdrUtil.MAX_STRING, "nii_domain");
            XdrUtil.opaque(in, XdrUtil.MAX_STRING, "nii_name");
            NfsTime4.decode(in);
        }
        return new Res(status, id, seq, flags, sp, minor, major);
    }
}
