package io.bucketfs.nfs.v4;

import io.bucketfs.nfs.v4.ops.OpArgs;
import io.bucketfs.nfs.v4.ops.OpCode;
import io.bucketfs.nfs.v4.ops.OpRes;
import io.bucketfs.nfs.v4.ops.OpSetattr;
import io.bucketfs.nfs.v4.ops.StatusRes;
import io.bucketfs.nfs.v4.state.Slot;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Runs a COMPOUND (RFC 8881 16.2.3): operations in order until one fails. Minor versions 0, 1 and 2 are served
 * (4.2's new operations are optional; SEEK, ALLOCATE and DEALLOCATE are implemented, the rest are NOTSUPP); any
 * other minor version is NFS4ERR_MINOR_VERS_MISMATCH with no results. In 4.1+, SEQUENCE must come first except
 * for the operations that may stand alone (RFC 8881 2.6.3.1.1.8), and its slot caches the reply. Failures are
 * logged by fault ({@link Nfs4Errors#fault}); nothing an operation throws escapes.
 */
public final class CompoundProcessor {

    private static final Logger LOG = LoggerFactory.getLogger(CompoundProcessor.class);
    private static final int MAX_MINOR = 2;

    /** Operations that may be the only one of a 4.1 COMPOUND without SEQUENCE. */
    private static final Set<Integer> SESSIONLESS = Set.of(OpCode.EXCHANGE_ID, OpCode.CREATE_SESSION,
            OpCode.DESTROY_SESSION, OpCode.DESTROY_CLIENTID, OpCode.BIND_CONN_TO_SESSION);
    /** NFSv4.0 operations that 4.1 removed (RFC 8881 Table 6, "MNI"). */
    private static final Set<Integer> V40_ONLY = Set.of(OpCode.SETCLIENTID, OpCode.SETCLIENTID_CONFIRM,
            OpCode.RENEW, OpCode.OPEN_CONFIRM, OpCode.RELEASE_LOCKOWNER);

    private CompoundProcessor() {
    }

    public static CompoundRes process(CompoundArgs args, CompoundContext ctx) {
        int minor = args.minorVersion();
        if (minor < 0 || minor > MAX_MINOR) {
            return new CompoundRes(NfsStat4.NFS4ERR_MINOR_VERS_MISMATCH, args.tag(), List.of());
        }
        List<OpRes> results = new ArrayList<>();
        int status = NfsStat4.NFS4_OK;
        try {
            List<OpArgs> ops = args.ops();
            for (int i = 0; i < ops.size(); i++) {
                OpArgs op = ops.get(i);
                OpRes r = run(op, i, args, ctx);
                if (ctx.replay() != null) {
                    return replay(ctx, args);
                }
                results.add(r);
                status = r.status();
                if (status != NfsStat4.NFS4_OK) {
                    break;
                }
                if (i == 0 && minor > 0 && op.opcode() == OpCode.SEQUENCE
                        && args.declaredOps() > ctx.session().fore().maxOperations()) {
                    results.add(new StatusRes(ops.size() > 1 ? ops.get(1).opcode() : OpCode.ILLEGAL,
                            NfsStat4.NFS4ERR_TOO_MANY_OPS));
                    status = NfsStat4.NFS4ERR_TOO_MANY_OPS;
                    break;
                }
            }
            if (status == NfsStat4.NFS4_OK && args.declaredOps() > ops.size()) {
                results.add(new StatusRes(OpCode.ILLEGAL, NfsStat4.NFS4ERR_RESOURCE));
                status = NfsStat4.NFS4ERR_RESOURCE;
            }
            CompoundRes res = new CompoundRes(status, args.tag(), results);
            finish(ctx, res);
            return res;
        } catch (RuntimeException | Error e) {
            finish(ctx, null);
            throw e;
        }
    }

    private static CompoundRes replay(CompoundContext ctx, CompoundArgs args) {
        Object cached = ctx.replay();
        LOG.debug("retransmission answered from the slot cache");
        return cached instanceof CompoundRes r ? r : new CompoundRes(NfsStat4.NFS4ERR_SERVERFAULT, args.tag(),
                List.of());
    }

    private static void finish(CompoundContext ctx, CompoundRes res) {
        Slot slot = ctx.slot();
        if (slot != null) {
            slot.done(ctx.cacheThis() ? res : null);
        }
    }

    private static OpRes run(OpArgs op, int index, CompoundArgs args, CompoundContext ctx) {
        long t0 = System.nanoTime();
        OpRes r = runTimed(op, index, args, ctx);
        ctx.service().opListener().onOp("nfs4", OP_NAMES.computeIfAbsent(op.opcode(), CompoundProcessor::opName),
                System.nanoTime() - t0, r.status() != NfsStat4.NFS4_OK);
        return r;
    }

    /** Operation names by code, for metrics (opName reflects). */
    private static final java.util.Map<Integer, String> OP_NAMES = new java.util.concurrent.ConcurrentHashMap<>();

    private static OpRes runTimed(OpArgs op, int index, CompoundArgs args, CompoundContext ctx) {
        int code = op.opcode();
        try {
            checkPosition(op, index, args, ctx);
            OpRes r = op.execute(ctx);
            if (r instanceof OpSetattr.Res s && s.failure() != null) {
                log(code, s.failure());
            }
            return r;
        } catch (Nfs4Exception e) {
            log(code, e);
            return new StatusRes(code, e.status());
        } catch (RuntimeException e) {
            LOG.error("{} failed: server fault", opName(code), e);
            return new StatusRes(code, NfsStat4.NFS4ERR_SERVERFAULT);
        }
    }

    private static void checkPosition(OpArgs op, int index, CompoundArgs args, CompoundContext ctx)
            throws Nfs4Exception {
        int code = op.opcode();
        if (ctx.minorVersion() == 0) {
            if (code > OpCode.RELEASE_LOCKOWNER && code != OpCode.ILLEGAL) {
                throw new Nfs4Exception(NfsStat4.NFS4ERR_OP_ILLEGAL, "operation " + code + " is not in NFSv4.0");
            }
            return;
        }
        if (V40_ONLY.contains(code)) {
            throw new Nfs4Exception(NfsStat4.NFS4ERR_NOTSUPP, opName(code) + " is NFSv4.0 only");
        }
        if (index == 0) {
            if (code == OpCode.SEQUENCE || code == OpCode.ILLEGAL) {
                return;
            }
            if (!SESSIONLESS.contains(code)) {
                throw new Nfs4Exception(NfsStat4.NFS4ERR_OP_NOT_IN_SESSION, opName(code) + " without SEQUENCE");
            }
            if (args.ops().size() > 1 || args.declaredOps() > 1) {
                throw new Nfs4Exception(NfsStat4.NFS4ERR_NOT_ONLY_OP, opName(code) + " must be alone");
            }
        } else if (code == OpCode.SEQUENCE) {
            throw new Nfs4Exception(NfsStat4.NFS4ERR_SEQUENCE_POS, "SEQUENCE not first");
        }
    }

    private static void log(int code, Nfs4Exception e) {
        String what = opName(code) + ": " + NfsStat4.name(e.status()) + " (" + e.getMessage() + ")";
        switch (Nfs4Errors.fault(e.status())) {
            case OUTCOME -> LOG.debug("{}", what);
            case CLIENT -> LOG.warn("{}", what);
            case EXPIRED -> LOG.info("{}", what);
            case SERVER -> LOG.error("{}", what, e.getCause() != null ? e.getCause() : e);
            default -> throw new IllegalStateException();
        }
    }

    static String opName(int code) {
        for (java.lang.reflect.Field f : OpCode.class.getFields()) {
            try {
                if (f.getInt(null) == code) {
                    return f.getName();
                }
            } catch (IllegalAccessException e) {
                break;
            }
        }
        return "op" + code;
    }
}
