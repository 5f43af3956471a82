package io.bucketfs.smb.server;

import io.bucketfs.smb.mssmb2.NtStatus;
import io.bucketfs.smb.mssmb2.Request;
import io.bucketfs.smb.mssmb2.Smb2Command;
import io.bucketfs.smb.mssmb2.SmbProtocolException;
import io.bucketfs.vfs.lock.BreakIntent;
import io.bucketfs.vfs.lock.BreakListener;
import io.bucketfs.vfs.lock.Lease;
import io.bucketfs.vfs.lock.LeaseResult;
import io.bucketfs.vfs.lock.LeaseType;
import io.bucketfs.vfs.lock.LockManager;
import io.bucketfs.vfs.lock.LockStatus;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * SMB2 oplocks ([MS-SMB2] 3.3.5.9 RequestedOplockLevel, 3.3.4.6 breaks, 3.3.5.22.1 acknowledgments) kept as
 * leases of the VFS lock manager, so NFS and SMB opens break them alike: an EXCLUSIVE or BATCH oplock is a
 * WRITE lease, a LEVEL_II oplock a READ lease, each held by its open's own namespace (an oplock belongs to one
 * open: another open of the same client breaks it too).
 *
 * <p>A break to LEVEL_II or NONE of an EXCLUSIVE or BATCH oplock is announced with an OPLOCK_BREAK
 * notification and waits for the client's acknowledgment (the lock manager revokes the oplock after its break
 * timeout); a LEVEL_II oplock breaks to NONE at once, without acknowledgment, as on Windows.
 */
final class Oplocks {

    private static final Logger LOG = LoggerFactory.getLogger(Oplocks.class);

    static final int NONE = 0x00;
    static final int LEVEL_II = 0x01;
    static final int EXCLUSIVE = 0x08;
    static final int BATCH = 0x09;
    static final int LEASE = 0xFF;

    private Oplocks() {
    }

    /**
     * Grants what {@code requested} asks for as far as the file's other opens and leases allow: EXCLUSIVE or
     * BATCH when nobody else has the file open for data, else LEVEL_II when nobody else caches writes or holds
     * byte-range locks (writers break it on each write), else NONE. Directories and lease requests (not announced: no SMB2_GLOBAL_CAP_LEASING) get NONE.
     *
     * @return the granted level, also kept in the open
     */
    static int grant(SmbConnection conn, Session session, Open o, int requested) {
        if (o.directory || (requested != LEVEL_II && requested != EXCLUSIVE && requested != BATCH)) {
            return NONE;
        }
        LockManager locks = o.tree.share().vfs().locks();
        long fileId = o.handle.fileId();
        Listener listener = new Listener(conn, session, o, locks);
        int level = requested;
        LeaseResult res = requested == LEVEL_II ? null
                : locks.grantLease(fileId, o.owner, LeaseType.WRITE, listener);
        if (res == null || res.status() != LockStatus.GRANTED) {
            level = LEVEL_II;
            res = locks.grantLease(fileId, o.owner, LeaseType.READ, true, listener);
        }
        if (res.status() != LockStatus.GRANTED) {
            return NONE;
        }
        synchronized (o) {
            o.oplock = res.lease().orElseThrow();
            o.oplockLevel = level;
            o.oplockBreakingTo = -1;
            o.oplockListener = listener;
        }
        LOG.debug("SMB oplock {} granted on {} (asked {})", level, o.path, requested);
        return level;
    }

    /**
     * Breaks the oplocks of other opens (and leases of other protocols) before {@code o} writes or changes the
     * size ([MS-SMB2] 3.3.4.6: a LEVEL_II oplock breaks to NONE). Does not wait: the open that writes already
     * broke every EXCLUSIVE or BATCH oplock to NONE when it was opened for writing, and LEVEL_II breaks are not
     * acknowledged.
     */
    static void breakForWrite(Open o) {
        o.tree.share().vfs().locks().breakLeases(o.handle.fileId(), o.owner, BreakIntent.WRITE);
        breakOwnLevelTwo(o);
    }

    /** A LEVEL_II oplock breaks to NONE on a write or byte-range lock, the holder's own included. */
    static void breakOwnLevelTwo(Open o) {
        LockManager locks = o.tree.share().vfs().locks();
        Lease own;
        Listener listener;
        synchronized (o) {
            own = o.oplockLevel == LEVEL_II ? o.oplock : null;
            listener = o.oplockListener;
        }
        if (own != null && listener != null && listener.dropLevelTwo(own)) {
            locks.returnLease(own);
        }
    }

    /** The open goes: its oplock with it. */
    static void release(Open o) {
        Lease l;
        synchronized (o) {
            l = o.oplock;
            o.oplock = null;
            o.oplockLevel = NONE;
            o.oplockBreakingTo = -1;
        }
        if (l != null) {
            o.tree.share().vfs().locks().returnLease(l);
        }
    }

    /**
     * [MS-SMB2] 3.3.5.22.1 OPLOCK_BREAK acknowledgment: the open must be breaking, and keep at most the level
     * it breaks to (else INVALID_OPLOCK_PROTOCOL and the oplock is gone). The response repeats the level kept.
     */
    static int acknowledge(Exchange x) throws SmbProtocolException {
        Request r = x.req;
        r.expectStructure(24);
        int level = r.u8(2);
        Open o = x.open(8);
        if (level != NONE && level != LEVEL_II) {
            return NtStatus.INVALID_PARAMETER;
        }
        Lease lease;
        int breakingTo;
        synchronized (o) {
            lease = o.oplock;
            breakingTo = o.oplockBreakingTo;
        }
        if (lease == null || breakingTo < 0) {
            LOG.debug("SMB oplock acknowledgment of {} with no break in progress", o.path);
            return NtStatus.INVALID_OPLOCK_PROTOCOL;
        }
        LockManager locks = o.tree.share().vfs().locks();
        if (level > breakingTo) {
            release(o);
            return NtStatus.INVALID_OPLOCK_PROTOCOL;
        }
        LockStatus st = locks.acknowledgeBreak(lease, level == LEVEL_II ? LeaseType.READ : LeaseType.NONE);
        synchronized (o) {
            if (o.oplock == lease) {
                o.oplockBreakingTo = -1;
                o.oplockLevel = level;
                if (level == NONE || st != LockStatus.OK) {
                    o.oplock = null;
                    o.oplockLevel = NONE;
                } else {
                    o.oplock = locks.leases(lease.fileId()).stream().filter(l -> l.id() == lease.id())
                            .findFirst().orElse(null);
                    if (o.oplock == null) {
                        o.oplockLevel = NONE;
                    }
                }
            }
        }
        if (st != LockStatus.OK) {
            LOG.debug("SMB oplock acknowledgment of {} after revocation: {}", o.path, st);
            return NtStatus.INVALID_OPLOCK_PROTOCOL;
        }
        x.out.writeShortLE(24).writeByte(level).writeByte(0).writeIntLE(0).writeLongLE(o.id).writeLongLE(o.id);
        return NtStatus.SUCCESS;
    }

    /** The 24-byte OPLOCK_BREAK notification body ([MS-SMB2] 2.2.23.1). */
    static byte[] notification(long openId, int level) {
        byte[] b = new byte[24];
        ByteBuffer.wrap(b).order(ByteOrder.LITTLE_ENDIAN).putShort(0, (short) 24).put(2, (byte) level)
                .putLong(8, openId).putLong(16, openId);
        return b;
    }

    /** Turns the lock manager's breaks of one open's oplock into OPLOCK_BREAK notifications. */
    record Listener(SmbConnection conn, Session session, Open open, LockManager locks) implements BreakListener {

        /** Drops the open's LEVEL_II oplock {@code lease} and tells the client; false if it is gone already. */
        boolean dropLevelTwo(Lease lease) {
            synchronized (open) {
                if (open.oplock == null || open.oplock.id() != lease.id() || open.oplockLevel != LEVEL_II) {
                    return false;
                }
                open.oplock = null;
                open.oplockLevel = NONE;
            }
            LOG.debug("SMB oplock break of {} to {}", open.path, NONE);
            conn.sendNotification(Smb2Command.OPLOCK_BREAK, session, notification(open.id, NONE));
            return true;
        }

        @Override
        public void onBreak(Lease lease, LeaseType breakTo) {
            int to = breakTo == LeaseType.READ ? LEVEL_II : NONE;
            boolean levelTwo;
            synchronized (open) {
                if (open.oplock == null || open.oplock.id() != lease.id()) {
                    return;
                }
                levelTwo = open.oplockLevel == LEVEL_II;
                if (levelTwo) {
                    open.oplock = null;
                    open.oplockLevel = NONE;
                } else {
                    open.oplockBreakingTo = to;
                }
            }
            LOG.debug("SMB oplock break of {} to {}", open.path, to);
            conn.sendNotification(Smb2Command.OPLOCK_BREAK, session, notification(open.id, to));
            if (levelTwo) {
                locks.acknowledgeBreak(lease, LeaseType.NONE); // [MS-SMB2] 3.3.4.6: no acknowledgment expected
            }
        }

        @Override
        public void onRevoked(Lease lease) {
            synchronized (open) {
                if (open.oplock != null && open.oplock.id() == lease.id()) {
                    open.oplock = null;
                    open.oplockLevel = NONE;
                    open.oplockBreakingTo = -1;
                }
            }
        }
    }
}
