package io.bucketfs.smb.server;

import io.bucketfs.smb.mssmb2.NtStatus;
import io.bucketfs.smb.mssmb2.Request;
import io.bucketfs.smb.mssmb2.Smb2Command;
import io.bucketfs.smb.mssmb2.SmbProtocolException;
import io.bucketfs.vfs.lock.BreakListener;
import io.bucketfs.vfs.lock.Lease;
import io.bucketfs.vfs.lock.LeaseResult;
import io.bucketfs.vfs.lock.LeaseType;
import io.bucketfs.vfs.lock.LockManager;
import io.bucketfs.vfs.lock.LockOwner;
import io.bucketfs.vfs.lock.LockStatus;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.util.HashSet;
import java.util.HexFormat;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * SMB 2.1+ leases ([MS-SMB2] 2.2.13.2.8 SMB2_CREATE_REQUEST_LEASE v1 and v2, 3.3.5.9.8/11 grants, 3.3.4.7 LEASE_BREAK
 * notifications, 3.3.5.22.2 acknowledgments) kept as VFS lock-manager leases: a lease with W is a WRITE lease,
 * one with R (and H) a READ lease. Every open of a client with the same lease key shares the lease and its lock
 * namespace, so they never break each other; any other open, SMB or NFS, does.
 *
 * <p>H (handle caching) is granted with R and dropped with it: the lock manager has no handle-caching level.
 */
final class SmbLeases {

    private static final Logger LOG = LoggerFactory.getLogger(SmbLeases.class);

    static final String REQUEST_LEASE = "RqLs";
    static final int R = 0x1;
    static final int H = 0x2;
    static final int W = 0x4;
    private static final int FLAG_BREAK_IN_PROGRESS = 0x2;
    private static final int NOTIFY_ACK_REQUIRED = 0x1;

    /** One lease: a client's lease key on one file. Guarded by itself. */
    static final class Entry {
        final String id;
        final byte[] key;
        final long fileId;
        final LockManager locks;
        final String namespace;
        int version;
        int epoch;
        int state;
        int breakingTo = -1;
        Lease lease;
        final Set<Open> opens = new HashSet<>();
        SmbConnection conn;
        Session session;

        Entry(String id, byte[] key, long fileId, LockManager locks) {
            this.id = id;
            this.key = key;
            this.fileId = fileId;
            this.locks = locks;
            this.namespace = "smb-lease/" + id;
        }
    }

    private final Map<String, Entry> entries = new ConcurrentHashMap<>();

    /** The lease key of an RqLs context (v1: 32 bytes, v2: 52), or null when it is malformed. */
    static byte[] key(byte[] context) {
        return context == null || (context.length != 32 && context.length != 52) ? null
                : java.util.Arrays.copyOf(context, 16);
    }

    private static String id(byte[] clientGuid, byte[] key) {
        return HexFormat.of().formatHex(clientGuid) + "/" + HexFormat.of().formatHex(key);
    }

    /**
     * The lock namespace of the opens of a lease key ({@code owner} of every open with it); INVALID_PARAMETER
     * when the client uses the key on another file ([MS-SMB2] 3.3.5.9.8).
     */
    String namespace(SmbConnection conn, byte[] key, long fileId) throws SmbProtocolException {
        Entry e = entries.get(id(conn.clientGuid, key));
        if (e != null && e.fileId != fileId) {
            throw new SmbProtocolException(NtStatus.INVALID_PARAMETER, "lease key of another file");
        }
        return "smb-lease/" + id(conn.clientGuid, key);
    }

    /**
     * Grants the lease of {@code context} to a new open as far as other opens allow, joins the open to it and
     * returns the RqLs response context data.
     */
    byte[] grant(SmbConnection conn, Session session, Open o, byte[] context) {
        ByteBuffer in = ByteBuffer.wrap(context).order(ByteOrder.LITTLE_ENDIAN);
        byte[] key = key(context);
        int requested = in.getInt(16) & (R | H | W);
        int version = context.length == 52 ? 2 : 1;
        String id = id(conn.clientGuid, key);
        Entry e = entries.computeIfAbsent(id, k -> new Entry(k, key, o.handle.fileId(), o.tree.share().vfs().locks()));
        synchronized (e) {
            if (e.opens.isEmpty() && e.lease == null) {
                e.version = version;
                e.epoch = version == 2 ? (in.getShort(48) & 0xFFFF) : 0;
            }
            e.opens.add(o);
            e.conn = conn;
            e.session = session;
            o.leaseEntry = e;
            // H or W without R is no lease state a server grants; a held lease changes only to a strict
            // superset of its state (an upgrade), never down
            int want = (requested & R) == 0 ? 0 : requested;
            boolean upgrade = (want & e.state) == e.state && want != e.state;
            if (upgrade && e.breakingTo < 0) {
                int got = tryGrant(e, want);
                if (got != e.state) {
                    e.state = got;
                    if (e.version == 2) {
                        e.epoch++;
                    }
                }
            }
            LOG.debug("SMB lease {} on {}: {} (asked {})", id, o.path, e.state, requested);
            return response(e);
        }
    }

    private int tryGrant(Entry e, int want) {
        LockOwner holder = new LockOwner(e.namespace, "lease");
        Listener listener = new Listener(e);
        if ((want & W) != 0) {
            LeaseResult r = e.locks.grantLease(e.fileId, holder, LeaseType.WRITE, true, listener);
            if (r.status() == LockStatus.GRANTED) {
                e.lease = r.lease().orElseThrow();
                return want;
            }
            want &= ~W;
        }
        if ((e.state & W) != 0) {
            return e.state;
        }
        LeaseResult r = e.locks.grantLease(e.fileId, holder, LeaseType.READ, true, listener);
        if (r.status() == LockStatus.GRANTED) {
            e.lease = r.lease().orElseThrow();
            return want;
        }
        return e.state;
    }

    private static byte[] response(Entry e) {
        byte[] b = new byte[e.version == 2 ? 52 : 32];
        ByteBuffer out = ByteBuffer.wrap(b).order(ByteOrder.LITTLE_ENDIAN);
        out.put(0, e.key).putInt(16, e.state).putInt(20, e.breakingTo >= 0 ? FLAG_BREAK_IN_PROGRESS : 0);
        if (e.version == 2) {
            out.putShort(48, (short) e.epoch);
        }
        return b;
    }

    /** An open goes: the last open of a lease key gives the lease back. */
    void release(Open o) {
        Entry e = o.leaseEntry;
        if (e == null) {
            return;
        }
        Lease gone = null;
        synchronized (e) {
            e.opens.remove(o);
            if (e.opens.isEmpty()) {
                entries.remove(e.id, e);
                gone = e.lease;
                e.lease = null;
                e.state = 0;
                e.breakingTo = -1;
            }
        }
        if (gone != null) {
            e.locks.returnLease(gone);
        }
    }

    /** [MS-SMB2] 3.3.5.22.2 LEASE_BREAK acknowledgment. */
    int acknowledge(Exchange x) throws SmbProtocolException {
        Request r = x.req;
        r.expectStructure(36);
        x.requireTree();
        byte[] key = r.bytes(io.bucketfs.smb.mssmb2.Smb2Header.SIZE + 8, 16);
        int state = r.body32(24);
        Entry e = entries.get(id(x.conn.clientGuid, key));
        if (e == null) {
            return NtStatus.OBJECT_NAME_NOT_FOUND;
        }
        Lease lease;
        synchronized (e) {
            if (e.breakingTo < 0 || e.lease == null) {
                return NtStatus.UNSUCCESSFUL;
            }
            if ((state & ~e.breakingTo) != 0) {
                return NtStatus.REQUEST_NOT_ACCEPTED;
            }
            lease = e.lease;
            e.state = state;
            e.breakingTo = -1;
            if ((state & R) == 0) {
                e.lease = null;
                e.state = 0;
            }
        }
        LockStatus st = e.locks.acknowledgeBreak(lease, (state & R) != 0 ? LeaseType.READ : LeaseType.NONE);
        if (st != LockStatus.OK) {
            LOG.debug("SMB lease acknowledgment of {} after revocation: {}", e.id, st);
        }
        x.out.writeShortLE(36).writeShortLE(0).writeIntLE(0).writeBytes(key).writeIntLE(state).writeLongLE(0);
        return NtStatus.SUCCESS;
    }

    /** Turns the lock manager's breaks of one lease into LEASE_BREAK notifications. */
    private record Listener(Entry e) implements BreakListener {

        @Override
        public void onBreak(Lease lease, LeaseType breakTo) {
            byte[] body = new byte[44];
            boolean ackRequired;
            synchronized (e) {
                if (e.lease == null || e.lease.id() != lease.id()) {
                    return;
                }
                int to = breakTo == LeaseType.READ ? e.state & (R | H) : 0;
                ackRequired = (e.state & (W | H)) != 0;
                ByteBuffer b = ByteBuffer.wrap(body).order(ByteOrder.LITTLE_ENDIAN);
                if (e.version == 2) {
                    e.epoch++;
                }
                b.putShort(0, (short) 44).putShort(2, (short) (e.version == 2 ? e.epoch : 0))
                        .putInt(4, ackRequired ? NOTIFY_ACK_REQUIRED : 0).put(8, e.key).putInt(24, e.state)
                        .putInt(28, to);
                if (ackRequired) {
                    e.breakingTo = to;
                } else {
                    e.state = 0;
                    e.lease = null;
                }
            }
            LOG.debug("SMB lease break of {}", e.id);
            e.conn.sendNotification(Smb2Command.OPLOCK_BREAK, e.session, body);
            if (!ackRequired) {
                e.locks.acknowledgeBreak(lease, LeaseType.NONE);
            }
        }

        @Override
        public void onRevoked(Lease lease) {
            synchronized (e) {
                if (e.lease != null && e.lease.id() == lease.id()) {
                    e.lease = null;
                    e.state = 0;
                    e.breakingTo = -1;
                }
            }
        }
    }
}
