package io.bucketfs.smb.server;

import java.util.BitSet;

/**
 * [MS-SMB2] 3.3.1.1 the command sequence window of a connection: which MessageIds the client may use. Starts
 * as {0}; each request consumes its CreditCharge ids; each response grants new ids at the top, at least one
 * per response while fewer than {@code max} are outstanding, so a client never starves. Not thread-safe:
 * used by the connection's serial processing only.
 */
final class CreditWindow {
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
        if (messageId < low || messageId + charge > high || messageId + charge < messageId) {
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

    /** Grants up to {@code requested} (at least 1 if room) new ids; returns how many. */
    int grant(int requested) {
        long outstanding = high - low - used.cardinality();
        long room = max - outstanding;
        int n = (int) Math.max(0, Math.min(room, Math.max(1, requested)));
        if (n == 0 && outstanding == 0) {
            n = 1;
        }
        high += n;
        return n;
    }

    long outstanding() {
        return high - low - used.cardinality();
    }
}
