package io.bucketfs.cache.write;

import io.bucketfs.backends.CompletedPart;
import io.bucketfs.backends.MultipartUpload;
import io.bucketfs.backends.ObjectStore;
import io.bucketfs.backends.PutOptions;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.TreeMap;

/**
 * A multipart upload started while a new file is being written, all fields guarded by the file lock.
 *
 * <p>Part {@code k} (1-based) covers {@code [(k-1)·partSize, k·partSize)}; it is uploaded straight from the data
 * file once written extents cover it whole. Rules that keep what is uploaded equal to what is later committed:
 * <ul>
 *   <li>Before the tracker is {@link #sealed}: a write or truncation reaching a part that is uploaded or in flight
 *       makes it {@link #broken}: no further parts are started, the upload is aborted and the file is uploaded
 *       whole from a snapshot instead.</li>
 *   <li>Sealed (an upload began, owning a snapshot): a write reaching a part in flight marks it {@link #torn};
 *       it is uploaded again from the snapshot. Parts finished before the write hold snapshot bytes.</li>
 * </ul>
 */
final class PartTracker {

    final long partSize;
    final String key;
    final PutOptions options;
    MultipartUpload upload;
    boolean creating;
    boolean broken;
    boolean sealed;
    /** Set by the one caller that aborts the upload (broken trackers only). */
    boolean abortClaimed;
    final TreeMap<Integer, CompletedPart> done = new TreeMap<>();
    final Set<Integer> inFlight = new HashSet<>();
    final Set<Integer> torn = new HashSet<>();
    private int next = 1;

    PartTracker(long partSize, String key, PutOptions options) {
        this.partSize = partSize;
        this.key = key;
        this.options = options;
    }

    long start(int part) {
        return (part - 1) * partSize;
    }

    /** One past the last byte of a part uploaded or in flight; 0 if none. */
    long claimedEnd() {
        int max = done.isEmpty() ? 0 : done.lastKey();
        for (int k : inFlight) {
            max = Math.max(max, k);
        }
        return max * partSize;
    }

    void onWrite(long start, long end) {
        if (broken) {
            return;
        }
        for (int k = (int) (start / partSize) + 1; start(k) < end && k <= ObjectStore.MAX_PARTS; k++) {
            if (sealed) {
                if (inFlight.contains(k)) {
                    torn.add(k);
                }
            } else if (inFlight.contains(k) || done.containsKey(k)) {
                broken = true;
                return;
            }
        }
    }

    void onTruncate(long newSize) {
        if (!sealed && newSize < claimedEnd()) {
            broken = true;
        }
    }

    /** Parts to start now: whole parts written, within the in-flight limit. Marks them in flight. */
    List<Integer> startable(RangeSet extents, int maxInFlight) {
        List<Integer> out = new ArrayList<>();
        if (broken || sealed || upload == null) {
            return out;
        }
        while (inFlight.size() < maxInFlight && next <= ObjectStore.MAX_PARTS
                && extents.covers(start(next), start(next) + partSize)) {
            inFlight.add(next);
            out.add(next);
            next++;
        }
        return out;
    }

    /** Whether a snapshot of {@code size} bytes can be completed with this upload. */
    boolean canSeal(long size) {
        return !broken && (upload != null || creating) && size >= claimedEnd()
                && (size + partSize - 1) / partSize <= ObjectStore.MAX_PARTS;
    }

    /** If broken, idle and not yet claimed: claims the abort and returns true. */
    boolean claimAbort() {
        if (broken && idle() && upload != null && !abortClaimed) {
            abortClaimed = true;
            return true;
        }
        return false;
    }

    boolean idle() {
        return !creating && inFlight.isEmpty();
    }
}
