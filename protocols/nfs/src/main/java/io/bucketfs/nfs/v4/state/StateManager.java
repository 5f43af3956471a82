package io.bucketfs.nfs.v4.state;

import io.bucketfs.nfs.v4.Nfs4Exception;
import io.bucketfs.nfs.v4.NfsStat4;
import io.bucketfs.nfs.v4.xdr.Stateid4;
import io.bucketfs.vfs.FileHandle;
import io.bucketfs.vfs.Vfs;
import io.bucketfs.vfs.lock.LockOwner;
import io.bucketfs.vfs.lock.ShareAccess;
import java.nio.ByteBuffer;
import java.security.SecureRandom;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.LongSupplier;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The NFSv4 server's state (RFC 8881 8, 2.10): clients and their leases, sessions, open and lock stateids. What a
 * state holds (share reservations, byte-range locks) lives in the VFS lock manager, so SMB sees it; this table only
 * names it. Client ids, session ids and stateids carry this server instance's boot id, so those of an earlier run
 * are recognised as stale. Thread-safe.
 *
 * <p>A client whose lease has not been renewed for one and a half lease periods is expired by {@link #expireIdle}:
 * its sessions and states go and everything it held in the lock managers is released.
 */
public final class StateManager {

    private static final Logger LOG = LoggerFactory.getLogger(StateManager.class);

    private final LongSupplier nanoClock;
    private final long leaseNanos;
    private final long graceEndNanos;
    private final int boot;
    private final AtomicInteger clientCounter = new AtomicInteger();
    private final AtomicInteger sessionCounter = new AtomicInteger();
    private final AtomicLong stateCounter = new AtomicLong();
    private final SecureRandom random = new SecureRandom();
    private final Map<Long, ClientRecord> clients = new ConcurrentHashMap<>();
    private final Map<String, Session> sessions = new ConcurrentHashMap<>();
    private final Map<String, NfsState> states = new ConcurrentHashMap<>();

    /**
     * @param lease the lease time
     * @param grace how long after start only reclaims are allowed (zero: no grace period)
     * @param nanoClock a monotonic clock in nanoseconds ({@code System::nanoTime}; tests pass a fake)
     */
    public StateManager(Duration lease, Duration grace, LongSupplier nanoClock) {
        this.nanoClock = nanoClock;
        this.leaseNanos = lease.toNanos();
        this.graceEndNanos = nanoClock.getAsLong() + grace.toNanos();
        this.boot = (int) (System.currentTimeMillis() / 1000) ^ random.nextInt(1 << 16);
    }

    public long now() {
        return nanoClock.getAsLong();
    }

    public int leaseSeconds() {
        return (int) Math.max(1, leaseNanos / 1_000_000_000L);
    }

    /** Whether the grace period after start is still running (RFC 8881 8.4.2.1). */
    public boolean inGrace() {
        return now() - graceEndNanos < 0;
    }

    /** The boot id: a verifier that changes every start (EXCHANGE_ID's server owner minor id). */
    public int boot() {
        return boot;
    }

    // ---------------------------------------------------------------- clients

    /** The client with this owner id, if any (EXCHANGE_ID, SETCLIENTID). */
    public Optional<ClientRecord> byOwner(byte[] owner) {
        return clients.values().stream().filter(c -> Arrays.equals(c.owner(), owner)).findFirst();
    }

    /** Creates an unconfirmed client. */
    public ClientRecord newClient(byte[] owner, byte[] verifier, int minorVersion) {
        long id = ((long) boot << 32) | (clientCounter.incrementAndGet() & 0xffffffffL);
        ClientRecord c = new ClientRecord(id, owner, verifier, minorVersion, now(), random.nextLong());
        clients.put(id, c);
        return c;
    }

    /** The client with this id: STALE_CLIENTID if unknown (restart, expiry). Renews its lease. */
    public ClientRecord client(long clientId) throws Nfs4Exception {
        ClientRecord c = clients.get(clientId);
        if (c == null) {
            throw new Nfs4Exception(NfsStat4.NFS4ERR_STALE_CLIENTID,
                    "client " + Long.toHexString(clientId) + " unknown (expired, or from an earlier run)");
        }
        c.renew(now());
        return c;
    }

    public void confirm(ClientRecord c) {
        c.confirm();
    }

    /** Removes a client with everything it holds. */
    public void destroy(ClientRecord c) {
        if (clients.remove(c.id(), c)) {
            c.markExpired();
            for (Session s : c.sessionList()) {
                sessions.remove(s.key());
            }
            List<Vfs> used;
            synchronized (c) {
                c.opens().values().forEach(o -> states.remove(o.key()));
                c.locks().values().forEach(l -> states.remove(l.key()));
                c.opens().clear();
                c.locks().clear();
                used = new ArrayList<>(c.usedVfs());
            }
            for (Vfs v : used) {
                v.locks().releaseNamespace(c.namespace());
            }
        }
    }

    /** Expires every client whose lease ran out; returns how many. */
    public int expireIdle() {
        long now = now();
        int n = 0;
        for (ClientRecord c : clients.values()) {
            if (now - c.lastRenewNanos() > leaseNanos + leaseNanos / 2) {
                LOG.info("{}: lease expired, releasing its opens and locks", c);
                destroy(c);
                n++;
            }
        }
        return n;
    }

    public int clientCount() {
        return clients.size();
    }

    // ---------------------------------------------------------------- sessions

    public Session newSession(ClientRecord c, ChannelAttrs fore, ChannelAttrs back) {
        byte[] id = ByteBuffer.allocate(Session.ID_LENGTH).putLong(c.id()).putInt(boot)
                .putInt(sessionCounter.incrementAndGet()).array();
        Session s = new Session(id, c, fore, back);
        synchronized (c) {
            c.sessions().put(s.key(), s);
        }
        sessions.put(s.key(), s);
        return s;
    }

    /** The session: BADSESSION if unknown. */
    public Session session(byte[] id) throws Nfs4Exception {
        Session s = sessions.get(HexFormat.of().formatHex(id));
        if (s == null) {
            throw new Nfs4Exception(NfsStat4.NFS4ERR_BADSESSION, "session unknown");
        }
        return s;
    }

    public void destroySession(Session s) {
        sessions.remove(s.key());
        synchronized (s.client()) {
            s.client().sessions().remove(s.key());
        }
    }

    /** CREATE_SESSION's sequence check (RFC 8881 18.36.4): the cached reply for a replay, else null. */
    public Object createSessionReplay(ClientRecord c, int seq) throws Nfs4Exception {
        int last = c.createSessionSeq();
        if (seq == last && c.createSessionReply() != null) {
            return c.createSessionReply();
        }
        if (seq != last + 1) {
            throw new Nfs4Exception(NfsStat4.NFS4ERR_SEQ_MISORDERED, "CREATE_SESSION sequence " + seq
                    + ", expected " + (last + 1));
        }
        return null;
    }

    /** The sequence id the client's next CREATE_SESSION must carry (EXCHANGE_ID's eir_sequenceid). */
    public int nextCreateSessionSeq(ClientRecord c) {
        return c.createSessionSeq() + 1;
    }

    public void createSessionDone(ClientRecord c, int seq, Object reply) {
        c.createSessionDone(seq, reply);
    }

    // ---------------------------------------------------------------- states

    private byte[] newOther() {
        return ByteBuffer.allocate(Stateid4.OTHER_LENGTH).putInt(boot).putLong(stateCounter.incrementAndGet())
                .array();
    }

    private static String fileKey(int exportId, FileHandle f, byte[] owner) {
        return exportId + ":" + f.fileId() + ":" + HexFormat.of().formatHex(owner);
    }

    /** The open of {@code openOwner} on the file, if any. Caller holds the client's monitor. */
    public OpenState findOpen(ClientRecord c, int exportId, FileHandle f, byte[] openOwner) {
        return c.opens().get(fileKey(exportId, f, openOwner));
    }

    /** Records a granted open. Caller holds the client's monitor. */
    public OpenState addOpen(ClientRecord c, int exportId, FileHandle f, Vfs vfs, byte[] openOwner,
            Set<ShareAccess> access, Set<ShareAccess> deny, long shareId) {
        OpenState o = new OpenState(newOther(), c, exportId, f, vfs, openLockOwner(c, openOwner), openOwner,
                access, deny, shareId);
        c.opens().put(fileKey(exportId, f, openOwner), o);
        c.usedVfs().add(vfs);
        states.put(o.key(), o);
        return o;
    }

    /** The lock-manager owner of an open-owner's share reservations. */
    public static LockOwner openLockOwner(ClientRecord c, byte[] openOwner) {
        return new LockOwner(c.namespace(), "open:" + HexFormat.of().formatHex(openOwner));
    }

    /** The lock-manager owner of a lock-owner's byte-range locks. */
    public static LockOwner lockLockOwner(ClientRecord c, byte[] lockOwner) {
        return new LockOwner(c.namespace(), "lock:" + HexFormat.of().formatHex(lockOwner));
    }

    /** The lock state of {@code lockOwner} on the open's file, made if new. Caller holds the client's monitor. */
    public LockState lockState(OpenState open, byte[] lockOwner) {
        ClientRecord c = open.client();
        String k = fileKey(open.exportId(), open.file(), lockOwner);
        LockState l = c.locks().get(k);
        if (l == null) {
            l = new LockState(newOther(), open, lockLockOwner(c, lockOwner), lockOwner);
            c.locks().put(k, l);
            open.addLock(l);
            states.put(l.key(), l);
        }
        return l;
    }

    /** Forgets an open and its lock states (CLOSE). Caller holds the client's monitor. */
    public void removeOpen(OpenState o) {
        ClientRecord c = o.client();
        c.opens().values().remove(o);
        states.remove(o.key());
        for (LockState l : o.locks()) {
            removeLock(l);
        }
    }

    /** The lock states opened from an open. Caller holds the client's monitor. */
    public List<LockState> lockStatesOf(OpenState o) {
        return o.locks();
    }

    /** Forgets a lock state (FREE_STATEID, RELEASE_LOCKOWNER). Caller holds the client's monitor. */
    public void removeLock(LockState l) {
        l.client().locks().values().remove(l);
        l.open().removeLock(l);
        states.remove(l.key());
    }

    /** The lock states of a lock-owner of a client (RELEASE_LOCKOWNER). Caller holds the client's monitor. */
    public List<LockState> locksOf(ClientRecord c, byte[] lockOwner) {
        return c.locks().values().stream().filter(l -> Arrays.equals(l.lockOwner(), lockOwner)).toList();
    }

    /**
     * The state a stateid names, checked (RFC 8881 8.2.2-8.2.4): STALE_STATEID for an earlier run's,
     * BAD_STATEID for an unknown one or a seqid from the future, OLD_STATEID for an outdated seqid. Seqid 0
     * means "the current one" (4.1). Renews the owning client's lease.
     */
    public NfsState resolve(Stateid4 sid, int minorVersion) throws Nfs4Exception {
        ByteBuffer b = ByteBuffer.wrap(sid.other());
        if (b.getInt() != boot) {
            throw new Nfs4Exception(NfsStat4.NFS4ERR_STALE_STATEID, sid + " is from an earlier run");
        }
        NfsState s = states.get(sid.otherHex());
        if (s == null || s.client().expired()) {
            throw new Nfs4Exception(NfsStat4.NFS4ERR_BAD_STATEID, sid + " unknown");
        }
        int cur = s.seqid();
        if (!(minorVersion > 0 && sid.seqid() == 0) && sid.seqid() != cur) {
            boolean old = Integer.compareUnsigned(sid.seqid(), cur) < 0;
            throw new Nfs4Exception(old ? NfsStat4.NFS4ERR_OLD_STATEID : NfsStat4.NFS4ERR_BAD_STATEID,
                    sid + " (current seqid " + Integer.toUnsignedString(cur) + ")");
        }
        s.client().renew(now());
        return s;
    }
}
