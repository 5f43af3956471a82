package io.bucketfs.smb.server;

import java.util.BitSet;

/**
 * [MS-SMB2] 3.3.1.1 the command sequence window of a connection: which MessageIds the client may use. Starts
 * as {0}; each request consumes its CreditCharge ids; each response grants new ids at the top: what the client
 * asks for, as long as at most {@code max} ids are granted and unused ("outstanding"), and at least one when it
 * would otherwise hold none, so a client never starves.
 *
 * <p>A client may leave holes (use a later id before an earlier one): the window then spans from the lowest
 * unused id to the highest granted one. That span is bounded by {@link #SPAN_FACTOR} times {@code max}; grants
 * stop at the bound until the hole is filled, so the bookkeeping of one connection stays small. Not
 * thread-safe: used by the connection's serial processing only.
 */
final class CreditWindow {
    /** The span of the window (lowest unused to highest granted id) may reach this many times {@code max}. */
    static final int SPAN_FACTOR = 4;
    private final int max;
    /** Lowest id not yet consumed. */
    private long low;
    /** One past the highest granted id. */
    private long high = 1;
    /** Consumed ids at or above {@code low}, relative to {@code low}. */
    private final BitSet used = new BitSet();

    CreditWindow(int max) {
        this.max = max;
    }

    /** Consumes {@code charge} ids from {@code messageId}; false when any is outside the window or used. */
    boolean consume(long messageId, int charge) {
        if (charge < 1 || messageId < low || messageId + charge > high || messageId + charge < messageId) {
            return false;
        }
        int from = (int) (messageId - low);
        if (used.get(from, from + charge).cardinality() != 0) {
            return false;
        }
        used.set(from, from + charge);
        int shift = used.nextClearBit(0);
        if (shift > 0) {
            low += shift;
            BitSet rest = used.get(shift, Math.max(shift, used.length()));
            used.clear();
            used.or(rest);
        }
        return true;
    }

    /**
     * Grants up to {@code requested} new ids (a request for 0 counts as 1): no more than keep {@code max}
     * outstanding and the span within its bound, but at least 1 when none would be left outstanding.
     * Returns how many.
     */
    int grant(int requested) {
        long outstanding = outstanding();
        long room = Math.min(max - outstanding, (long) SPAN_FACTOR * max - (high - low));
        int n = (int) Math.max(0, Math.min(room, Math.max(1, requested)));
        if (n == 0 && outstanding == 0) {
            n = 1;
        }
        high += n;
        return n;
    }

    /** Ids granted and not yet consumed: the credits the client holds. */
    long outstanding() {
        return high - low - used.cardinality();
    }
}
