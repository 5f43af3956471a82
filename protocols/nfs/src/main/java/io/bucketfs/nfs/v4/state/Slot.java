package io.bucketfs.nfs.v4.state;

/**
 * One slot of a session's fore channel (RFC 8881 2.10.6.1): the last sequence id seen and, if the client asked
 * for it to be cached, the reply to that request. Guarded by itself.
 */
public final class Slot {

    /** What SEQUENCE decided about a request on this slot. */
    public enum Verdict {
        /** A new request: run it. */
        NEW,
        /** A retransmission whose reply is cached: send that. */
        REPLAY,
        /** A retransmission whose reply was not cached (RFC 8881 2.10.6.1.3: NFS4ERR_RETRY_UNCACHED_REP). */
        UNCACHED,
        /** The original request is still running: NFS4ERR_DELAY. */
        BUSY,
        /** Neither the last sequence id nor the next: NFS4ERR_SEQ_MISORDERED. */
        MISORDERED
    }

    private int seqid;
    private boolean inUse;
    private Object cached;

    /** Decides about a request with {@code s}; a NEW one marks the slot in use until {@link #done}. */
    public synchronized Verdict begin(int s) {
        if (s == seqid && seqid != 0) {
            if (inUse) {
                return Verdict.BUSY;
            }
            return cached != null ? Verdict.REPLAY : Verdict.UNCACHED;
        }
        if (s == seqid + 1 && !inUse) {
            seqid = s;
            inUse = true;
            cached = null;
            return Verdict.NEW;
        }
        return inUse ? Verdict.BUSY : Verdict.MISORDERED;
    }

    /** The request on this slot finished; {@code reply} is kept for retransmissions if not null. */
    public synchronized void done(Object reply) {
        inUse = false;
        cached = reply;
    }

    public synchronized Object cached() {
        return cached;
    }

    public synchronized int seqid() {
        return seqid;
    }
}
