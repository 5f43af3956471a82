package io.bucketfs.nfs.v4.ops;

import io.bucketfs.nfs.v4.CompoundContext;
import io.bucketfs.nfs.v4.Nfs4Exception;
import io.bucketfs.nfs.v4.NfsStat4;
import io.bucketfs.nfs.v4.state.ClientRecord;
import io.bucketfs.nfs.v4.state.StateManager;
import io.bucketfs.nfs.v4.xdr.XdrUtil;
import java.util.Arrays;
import java.util.Optional;
import org.dcache.oncrpc4j.rpc.OncRpcException;
import org.dcache.oncrpc4j.xdr.XdrDecodingStream;
import org.dcache.oncrpc4j.xdr.XdrEncodingStream;

/**
 * RFC 7530 16.33 SETCLIENTID (NFSv4.0): like EXCHANGE_ID without sessions. The callback address is decoded and
 * ignored: no delegations are granted, so the server never calls back.
 */
public final class OpSetclientid {

    private OpSetclientid() {
    }

    public record Args(byte[] verifier, byte[] id, int cbProgram, String netid, String addr, int cbIdent)
            implements OpArgs {
        @Override
        public int opcode() {
            return OpCode.SETCLIENTID;
        }

        @Override
        public void encode(XdrEncodingStream out) {
            XdrUtil.fixed(out, verifier);
            XdrUtil.opaque(out, id);
            out.xdrEncodeInt(cbProgram);
            out.xdrEncodeString(netid);
            out.xdrEncodeString(addr);
            out.xdrEncodeInt(cbIdent);
        }

        @Override
        public OpRes execute(CompoundContext ctx) throws Nfs4Exception {
            StateManager sm = ctx.state();
            ClientRecord c;
            synchronized (sm) {
                Optional<ClientRecord> old = sm.byOwner(id);
                if (old.isPresent() && Arrays.equals(old.get().verifier(), verifier)) {
                    c = old.get();
                    c.renew(sm.now());
                } else {
                    old.ifPresent(sm::destroy);
                    c = sm.newClient(id, verifier, 0);
                }
            }
            return new Res(NfsStat4.NFS4_OK, c.id(), c.confirmVerifier());
        }
    }

    public record Res(int status, long clientId, long confirm) implements OpRes {
        @Override
        public int opcode() {
            return OpCode.SETCLIENTID;
        }

        @Override
        public void encode(XdrEncodingStream out) {
            out.xdrEncodeInt(status);
            out.xdrEncodeLong(clientId);
            out.xdrEncodeLong(confirm);
        }
    }

    public static Args decode(XdrDecodingStream in) throws OncRpcException {
        return new Args(XdrUtil.fixed(in, 8), XdrUtil.opaque(in, XdrUtil.OPAQUE_LIMIT, "id"), XdrUtil.u32(in),
                XdrUtil.utf8(in, XdrUtil.MAX_STRING, "r_netid"), XdrUtil.utf8(in, XdrUtil.MAX_STRING, "r_addr"),
                XdrUtil.u32(in));
    }

    public static OpRes decodeRes(XdrDecodingStream in) throws OncRpcException {
        int status = XdrUtil.u32(in);
        if (status == NfsStat4.NFS4ERR_CLID_INUSE) {
            XdrUtil.opaque(in, XdrUtil.MAX_STRING, "r_netid");
            XdrUtil.opaque(in, XdrUtil.MAX_STRING, "r_addr");
        }
        return status != NfsStat4.NFS4_OK ? new StatusRes(OpCode.SETCLIENTID, status)
                : new Res(status, XdrUtil.u64(in), XdrUtil.u64(in));
    }
}
