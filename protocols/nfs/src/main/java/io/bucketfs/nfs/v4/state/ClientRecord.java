package io.bucketfs.nfs.v4.state;

import io.bucketfs.vfs.Vfs;
import java.util.ArrayList;
import java.util.Collections;
import java.util.HashMap;
import java.util.IdentityHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * A client as EXCHANGE_ID (RFC 8881 18.35) or SETCLIENTID (RFC 7530 16.33) made it: its id, the owner and
 * verifier it presented, its lease, its sessions and its states. State maps are guarded by this object's monitor;
 * operations that change a client's opens and locks hold it.
 */
public final class ClientRecord {

    private final long id;
    private final byte[] owner;
    private final byte[] verifier;
    private final int minorVersion;
    private final String namespace;
    private volatile boolean confirmed;
    private volatile long lastRenewNanos;
    private volatile boolean reclaimComplete;
    private volatile boolean expired;
    /** CREATE_SESSION's sequence (RFC 8881 18.36.4) and the cached reply of the last one. */
    private int createSessionSeq;
    private Object createSessionReply;
    /** SETCLIENTID_CONFIRM's verifier (4.0). */
    private final long confirmVerifier;

    private final Map<String, Session> sessions = new HashMap<>();
    private final Map<String, OpenState> opens = new HashMap<>();
    private final Map<String, LockState> locks = new HashMap<>();
    private final Set<Vfs> usedVfs = Collections.newSetFromMap(new IdentityHashMap<>());

    ClientRecord(long id, byte[] owner, byte[] verifier, int minorVersion, long nowNanos, long confirmVerifier) {
        this.id = id;
        this.owner = owner.clone();
        this.verifier = verifier.clone();
        this.minorVersion = minorVersion;
        this.namespace = "nfs4:" + Long.toHexString(id);
        this.lastRenewNanos = nowNanos;
        this.confirmVerifier = confirmVerifier;
    }

    public long id() {
        return id;
    }

    public byte[] owner() {
        return owner.clone();
    }

    public byte[] verifier() {
        return verifier.clone();
    }

    public int minorVersion() {
        return minorVersion;
    }

    /** The lock-manager namespace of everything this client holds. */
    public String namespace() {
        return namespace;
    }

    public boolean confirmed() {
        return confirmed;
    }

    void confirm() {
        confirmed = true;
    }

    public long confirmVerifier() {
        return confirmVerifier;
    }

    public boolean expired() {
        return expired;
    }

    void markExpired() {
        expired = true;
    }

    public void renew(long nowNanos) {
        lastRenewNanos = nowNanos;
    }

    long lastRenewNanos() {
        return lastRenewNanos;
    }

    public boolean reclaimComplete() {
        return reclaimComplete;
    }

    public void completeReclaim() {
        reclaimComplete = true;
    }

    synchronized int createSessionSeq() {
        return createSessionSeq;
    }

    synchronized Object createSessionReply() {
        return createSessionReply;
    }

    synchronized void createSessionDone(int seq, Object reply) {
        createSessionSeq = seq;
        createSessionReply = reply;
    }

    synchronized void initCreateSessionSeq(int seq) {
        createSessionSeq = seq;
    }

    synchronized Map<String, Session> sessions() {
        return sessions;
    }

    public synchronized List<Session> sessionList() {
        return new ArrayList<>(sessions.values());
    }

    Map<String, OpenState> opens() {
        return opens;
    }

    Map<String, LockState> locks() {
        return locks;
    }

    Set<Vfs> usedVfs() {
        return usedVfs;
    }

    @Override
    public String toString() {
        return "client " + Long.toHexString(id);
    }
}
