package io.bucketfs.nfs.v4.ops;

import io.bucketfs.nfs.v4.NfsStat4;
import org.dcache.oncrpc4j.rpc.OncRpcException;
import org.dcache.oncrpc4j.xdr.XdrDecodingStream;

/** The operation table: opcode → argument decoder (server) and result decoder (test clients). */
public final class Ops {

    private Ops() {
    }

    /**
     * The arguments of an operation. An opcode outside the protocol becomes an {@link OpUnusable} (OP_ILLEGAL),
     * one this server does not implement too (NOTSUPP); in both cases decoding stops, as the COMPOUND will stop.
     */
    public static OpArgs decodeArgs(int op, XdrDecodingStream in) throws OncRpcException {
        return switch (op) {
            case OpCode.ACCESS -> OpAccess.decode(in);
            case OpCode.CLOSE -> OpClose.decode(in);
            case OpCode.COMMIT -> OpCommit.decode(in);
            case OpCode.CREATE -> OpCreate.decode(in);
            case OpCode.DELEGRETURN -> OpDelegreturn.decode(in);
            case OpCode.GETATTR -> OpGetattr.decode(in);
            case OpCode.GETFH -> new OpGetfh.Args();
            case OpCode.LINK -> OpLink.decode(in);
            case OpCode.LOCK -> OpLock.decode(in);
            case OpCode.LOCKT -> OpLockt.decode(in);
            case OpCode.LOCKU -> OpLocku.decode(in);
            case OpCode.LOOKUP -> OpLookup.decode(in);
            case OpCode.LOOKUPP -> new OpLookupp.Args();
            case OpCode.OPEN -> OpOpen.decode(in);
            case OpCode.OPEN_CONFIRM -> OpOpenConfirm.decode(in);
            case OpCode.OPEN_DOWNGRADE -> OpOpenDowngrade.decode(in);
            case OpCode.PUTFH -> OpPutfh.decode(in);
            case OpCode.PUTPUBFH -> new OpPutpubfh.Args();
            case OpCode.PUTROOTFH -> new OpPutrootfh.Args();
            case OpCode.READ -> OpRead.decode(in);
            case OpCode.READDIR -> OpReaddir.decode(in);
            case OpCode.READLINK -> new OpReadlink.Args();
            case OpCode.REMOVE -> OpRemove.decode(in);
            case OpCode.RENAME -> OpRename.decode(in);
            case OpCode.RENEW -> OpRenew.decode(in);
            case OpCode.RESTOREFH -> new OpRestorefh.Args();
            case OpCode.SAVEFH -> new OpSavefh.Args();
            case OpCode.SECINFO -> OpSecinfo.decode(in);
            case OpCode.SETATTR -> OpSetattr.decode(in);
            case OpCode.SETCLIENTID -> OpSetclientid.decode(in);
            case OpCode.SETCLIENTID_CONFIRM -> OpSetclientidConfirm.decode(in);
            case OpCode.WRITE -> OpWrite.decode(in);
            case OpCode.RELEASE_LOCKOWNER -> OpReleaseLockowner.decode(in);
            case OpCode.BIND_CONN_TO_SESSION -> OpBindConnToSession.decode(in);
            case OpCode.EXCHANGE_ID -> OpExchangeId.decode(in);
            case OpCode.CREATE_SESSION -> OpCreateSession.decode(in);
            case OpCode.DESTROY_SESSION -> OpDestroySession.decode(in);
            case OpCode.FREE_STATEID -> OpFreeStateid.decode(in);
            case OpCode.SECINFO_NO_NAME -> OpSecinfoNoName.decode(in);
            case OpCode.SEQUENCE -> OpSequence.decode(in);
            case OpCode.TEST_STATEID -> OpTestStateid.decode(in);
            case OpCode.DESTROY_CLIENTID -> OpDestroyClientid.decode(in);
            case OpCode.RECLAIM_COMPLETE -> OpReclaimComplete.decode(in);
            case OpCode.SEEK -> OpSeek.decode(in);
            case OpCode.ALLOCATE -> OpAllocate.decode(false, in);
            case OpCode.DEALLOCATE -> OpAllocate.decode(true, in);
            default -> op >= OpCode.ACCESS && op <= OpCode.CLONE
                    ? new OpUnusable(op, NfsStat4.NFS4ERR_NOTSUPP, "operation " + op + " not supported")
                    : new OpUnusable(OpCode.ILLEGAL, NfsStat4.NFS4ERR_OP_ILLEGAL, "illegal operation " + op);
        };
    }

    /** The result of an operation, as a client decodes it. */
    public static OpRes decodeRes(int op, XdrDecodingStream in) throws OncRpcException {
        return switch (op) {
            case OpCode.ACCESS -> OpAccess.decodeRes(in);
            case OpCode.CLOSE, OpCode.OPEN_DOWNGRADE, OpCode.LOCKU, OpCode.OPEN_CONFIRM ->
                    StateidRes.decode(op, in);
            case OpCode.COMMIT -> OpCommit.decodeRes(in);
            case OpCode.CREATE -> OpCreate.decodeRes(in);
            case OpCode.GETATTR -> OpGetattr.decodeRes(in);
            case OpCode.GETFH -> OpGetfh.decodeRes(in);
            case OpCode.LINK, OpCode.REMOVE -> CinfoRes.decode(op, in);
            case OpCode.LOCK, OpCode.LOCKT -> LockRes.decode(op, in);
            case OpCode.OPEN -> OpOpen.decodeRes(in);
            case OpCode.READ -> OpRead.decodeRes(in);
            case OpCode.READDIR -> OpReaddir.decodeRes(in);
            case OpCode.READLINK -> OpReadlink.decodeRes(in);
            case OpCode.RENAME -> OpRename.decodeRes(in);
            case OpCode.SECINFO, OpCode.SECINFO_NO_NAME -> SecinfoRes.decode(op, in);
            case OpCode.SETATTR -> OpSetattr.decodeRes(in);
            case OpCode.SETCLIENTID -> OpSetclientid.decodeRes(in);
            case OpCode.WRITE -> OpWrite.decodeRes(in);
            case OpCode.BIND_CONN_TO_SESSION -> OpBindConnToSession.decodeRes(in);
            case OpCode.EXCHANGE_ID -> OpExchangeId.decodeRes(in);
            case OpCode.CREATE_SESSION -> OpCreateSession.decodeRes(in);
            case OpCode.SEQUENCE -> OpSequence.decodeRes(in);
            case OpCode.TEST_STATEID -> OpTestStateid.decodeRes(in);
            case OpCode.SEEK -> OpSeek.decodeRes(in);
            default -> StatusRes.decode(op, in);
        };
    }
}
