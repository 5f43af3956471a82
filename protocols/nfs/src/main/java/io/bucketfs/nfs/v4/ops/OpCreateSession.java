package io.bucketfs.nfs.v4.ops;

import io.bucketfs.nfs.v4.CompoundContext;
import io.bucketfs.nfs.v4.Nfs4Exception;
import io.bucketfs.nfs.v4.NfsStat4;
import io.bucketfs.nfs.v4.state.ChannelAttrs;
import io.bucketfs.nfs.v4.state.ClientRecord;
import io.bucketfs.nfs.v4.state.Session;
import io.bucketfs.nfs.v4.state.StateManager;
import io.bucketfs.nfs.v4.xdr.XdrUtil;
import org.dcache.oncrpc4j.rpc.OncRpcException;
import org.dcache.oncrpc4j.xdr.XdrDecodingStream;
import org.dcache.oncrpc4j.xdr.XdrEncodingStream;

/**
 * RFC 8881 18.36 CREATE_SESSION: confirms the client and makes a session. The fore channel gets the client's
 * figures capped by this server's ({@link #MAX_SLOTS} slots, {@link #MAX_OPS} operations, request size from the
 * settings; never raised above what the client asked); the back channel's attributes are accepted and echoed, but no back channel is ever used (no
 * delegations, no layouts), so the reply's flags never claim CONN_BACK_CHAN. The callback security parameters
 * are decoded and ignored. A retransmission (same sequence) gets the cached reply (RFC 8881 18.36.4).
 */
public final class OpCreateSession {

    public static final int MAX_SLOTS = 64;
    /**
     * The most operations per COMPOUND granted: what the decoder takes. Never fewer than the client asked for up to
     * this, as the Linux client refuses a session with fewer operations than it asked for.
     */
    public static final int MAX_OPS = io.bucketfs.nfs.v4.CompoundArgs.MAX_OPERATIONS;
    /** The largest reply kept for a replay. */
    public static final int MAX_CACHED_REPLY = 64 << 10;

    private OpCreateSession() {
    }

    public record Args(long clientId, int sequence, int flags, ChannelAttrs fore, ChannelAttrs back,
            int cbProgram) implements OpArgs {
        @Override
        public int opcode() {
            return OpCode.CREATE_SESSION;
        }

        @Override
        public void encode(XdrEncodingStream out) {
            out.xdrEncodeLong(clientId);
            out.xdrEncodeInt(sequence);
            out.xdrEncodeInt(flags);
            fore.encode(out);
            back.encode(out);
            out.xdrEncodeInt(cbProgram);
            out.xdrEncodeInt(1); // one callback_sec_parms4: AUTH_NONE
            out.xdrEncodeInt(0);
        }

        @Override
        public OpRes execute(CompoundContext ctx) throws Nfs4Exception {
            StateManager sm = ctx.state();
            ClientRecord c = sm.client(clientId);
            synchronized (c) {
                Object cached = sm.createSessionReplay(c, sequence);
                if (cached != null) {
                    return (Res) cached;
                }
                int maxReq = ctx.service().settings().maxRequestBytes();
                int maxResp = ctx.service().settings().maxIoBytes() + (64 << 10);
                ChannelAttrs f = new ChannelAttrs(0, minU(fore.maxRequestSize(), maxReq),
                        minU(fore.maxResponseSize(), maxResp), minU(fore.maxResponseSizeCached(), MAX_CACHED_REPLY),
                        Math.max(2, minU(fore.maxOperations(), MAX_OPS)),
                        Math.max(1, minU(fore.maxRequests(), MAX_SLOTS)), new int[0]);
                ChannelAttrs b = new ChannelAttrs(back.headerPadSize(), back.maxRequestSize(),
                        back.maxResponseSize(), back.maxResponseSizeCached(), back.maxOperations(),
                        back.maxRequests(), new int[0]); // echoed: it is never used
                Session s = sm.newSession(c, f, b);
                sm.confirm(c);
                Res r = new Res(NfsStat4.NFS4_OK, s.id(), sequence, 0, f, b);
                sm.createSessionDone(c, sequence, r);
                return r;
            }
        }
    }

    private static int minU(int a, int b) {
        return Integer.compareUnsigned(a, b) < 0 ? a : b;
    }

    public record Res(int status, byte[] sessionId, int sequence, int flags, ChannelAttrs fore,
            ChannelAttrs back) implements OpRes {
        @Override
        public int opcode() {
            return OpCode.CREATE_SESSION;
        }

        @Override
        public void encode(XdrEncodingStream out) {
            out.xdrEncodeInt(status);
            XdrUtil.fixed(out, sessionId);
            out.xdrEncodeInt(sequence);
            out.xdrEncodeInt(flags);
            fore.encode(out);
            back.encode(out);
        }
    }

    public static Args decode(XdrDecodingStream in) throws OncRpcException {
        long id = XdrUtil.u64(in);
        int seq = XdrUtil.u32(in);
        int flags = XdrUtil.u32(in);
        ChannelAttrs fore = ChannelAttrs.decode(in);
        ChannelAttrs back = ChannelAttrs.decode(in);
        int prog = XdrUtil.u32(in);
        int n = XdrUtil.length(in, 16, "csa_sec_parms");
        for (int i = 0; i < n; i++) {
            int flavor = XdrUtil.u32(in);
            switch (flavor) {
                case 0 -> {
                }
                case 1 -> { // authsys_parms
                    XdrUtil.u32(in);
                    XdrUtil.opaque(in, 255, "machinename");
                    XdrUtil.u32(in);
                    XdrUtil.u32(in);
                    int g = XdrUtil.length(in, 16, "gids");
                    for (int k = 0; k < g; k++) {
                        XdrUtil.u32(in);
                    }
                }
                case 6 -> { // gss_cb_handles4
                    XdrUtil.u32(in);
                    XdrUtil.opaque(in, XdrUtil.OPAQUE_LIMIT, "gcbp_handle_from_server");
                    XdrUtil.opaque(in, XdrUtil.OPAQUE_LIMIT, "gcbp_handle_from_client");
                }
                default -> throw new XdrUtil.BadXdr("callback_sec_parms4 flavor " + flavor);
            }
        }
        return new Args(id, seq, flags, fore, back, prog);
    }

    public static OpRes decodeRes(XdrDecodingStream in) throws OncRpcException {
        int status = XdrUtil.u32(in);
        if (status != NfsStat4.NFS4_OK) {
            return new StatusRes(OpCode.CREATE_SESSION, status);
        }
        return new Res(status, XdrUtil.fixed(in, Session.ID_LENGTH), XdrUtil.u32(in), XdrUtil.u32(in),
                ChannelAttrs.decode(in), ChannelAttrs.decode(in));
    }
}
