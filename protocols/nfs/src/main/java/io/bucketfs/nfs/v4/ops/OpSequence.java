package io.bucketfs.nfs.v4.ops;

import io.bucketfs.nfs.v4.CompoundContext;
import io.bucketfs.nfs.v4.Nfs4Exception;
import io.bucketfs.nfs.v4.NfsStat4;
import io.bucketfs.nfs.v4.state.ClientRecord;
import io.bucketfs.nfs.v4.state.Session;
import io.bucketfs.nfs.v4.state.Slot;
import io.bucketfs.nfs.v4.xdr.XdrUtil;
import org.dcache.oncrpc4j.rpc.OncRpcException;
import org.dcache.oncrpc4j.xdr.XdrDecodingStream;
import org.dcache.oncrpc4j.xdr.XdrEncodingStream;

/**
 * RFC 8881 18.46 SEQUENCE: names the session and slot of the COMPOUND and renews the client's lease. A new
 * sequence id on the slot runs the request; the previous one is a retransmission, answered from the slot's reply
 * cache when the client asked for caching ({@code sa_cachethis}), else with NFS4ERR_RETRY_UNCACHED_REP
 * (RFC 8881 2.10.6.1.3). No status flags are ever raised: there is no back channel to report on.
 */
public final class OpSequence {

    private OpSequence() {
    }

    public record Args(byte[] sessionId, int sequenceId, int slotId, int highestSlotId, boolean cacheThis)
            implements OpArgs {
        @Override
        public int opcode() {
            return OpCode.SEQUENCE;
        }

        @Override
        public void encode(XdrEncodingStream out) {
            XdrUtil.fixed(out, sessionId);
            out.xdrEncodeInt(sequenceId);
            out.xdrEncodeInt(slotId);
            out.xdrEncodeInt(highestSlotId);
            out.xdrEncodeBoolean(cacheThis);
        }

        @Override
        public OpRes execute(CompoundContext ctx) throws Nfs4Exception {
            Session s = ctx.state().session(sessionId);
            ClientRecord c = s.client();
            if (c.expired()) {
                throw new Nfs4Exception(NfsStat4.NFS4ERR_BADSESSION, "client of the session expired");
            }
            Slot slot = s.slot(slotId);
            if (slot == null) {
                throw new Nfs4Exception(NfsStat4.NFS4ERR_BADSLOT, "slot " + slotId + " of " + s.slotCount());
            }
            c.renew(ctx.state().now());
            switch (slot.begin(sequenceId)) {
                case NEW -> ctx.sequenced(s, slot, cacheThis);
                case REPLAY -> ctx.replay(slot.cached());
                case UNCACHED -> throw new Nfs4Exception(NfsStat4.NFS4ERR_RETRY_UNCACHED_REP,
                        "retransmission of an uncached request");
                case BUSY -> throw new Nfs4Exception(NfsStat4.NFS4ERR_DELAY, "slot " + slotId + " busy");
                case MISORDERED -> throw new Nfs4Exception(NfsStat4.NFS4ERR_SEQ_MISORDERED, "slot " + slotId
                        + " at " + Integer.toUnsignedString(slot.seqid()) + ", got "
                        + Integer.toUnsignedString(sequenceId));
                default -> throw new IllegalStateException();
            }
            int top = s.slotCount() - 1;
            return new Res(NfsStat4.NFS4_OK, s.id(), sequenceId, slotId, top, top, 0);
        }
    }

    public record Res(int status, byte[] sessionId, int sequenceId, int slotId, int highestSlotId,
            int targetHighestSlotId, int statusFlags) implements OpRes {
        @Override
        public int opcode() {
            return OpCode.SEQUENCE;
        }

        @Override
        public void encode(XdrEncodingStream out) {
            out.xdrEncodeInt(status);
            XdrUtil.fixed(out, sessionId);
            out.xdrEncodeInt(sequenceId);
            out.xdrEncodeInt(slotId);
            out.xdrEncodeInt(highestSlotId);
            out.xdrEncodeInt(targetHighestSlotId);
            out.xdrEncodeInt(statusFlags);
        }
    }

    public static Args decode(XdrDecodingStream in) throws OncRpcException {
        return new Args(XdrUtil.fixed(in, Session.ID_LENGTH), XdrUtil.u32(in), XdrUtil.u32(in), XdrUtil.u32(in),
                XdrUtil.bool(in));
    }

    public static OpRes decodeRes(XdrDecodingStream in) throws OncRpcException {
        int status = XdrUtil.u32(in);
        if (status != NfsStat4.NFS4_OK) {
            return new StatusRes(OpCode.SEQUENCE, status);
        }
        return new Res(status, XdrUtil.fixed(in, Session.ID_LENGTH), XdrUtil.u32(in), XdrUtil.u32(in),
                XdrUtil.u32(in), XdrUtil.u32(in), XdrUtil.u32(in));
    }
}
