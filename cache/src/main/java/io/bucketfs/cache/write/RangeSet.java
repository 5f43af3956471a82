package io.bucketfs.cache.write;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;

/**
 * A set of byte offsets as disjoint, non-adjacent half-open ranges {@code [start, end)}. Not thread-safe: the
 * owner guards it.
 */
final class RangeSet {

    private final TreeMap<Long, Long> ranges = new TreeMap<>();

    RangeSet copy() {
        RangeSet c = new RangeSet();
        c.ranges.putAll(ranges);
        return c;
    }

    /** Adds {@code [start, end)}, merging with overlapping and adjacent ranges. */
    void add(long start, long end) {
        if (start >= end) {
            return;
        }
        Map.Entry<Long, Long> before = ranges.floorEntry(start);
        if (before != null && before.getValue() >= start) {
            start = before.getKey();
            end = Math.max(end, before.getValue());
        }
        Map.Entry<Long, Long> next = ranges.ceilingEntry(start);
        while (next != null && next.getKey() <= end) {
            end = Math.max(end, next.getValue());
            ranges.remove(next.getKey());
            next = ranges.ceilingEntry(start);
        }
        ranges.put(start, end);
    }

    /** Removes every offset at or after {@code pos}. */
    void truncate(long pos) {
        Map.Entry<Long, Long> before = ranges.lowerEntry(pos);
        ranges.tailMap(pos, true).clear();
        if (before != null && before.getValue() > pos) {
            ranges.put(before.getKey(), pos);
        }
    }

    /** The end of the range containing {@code pos}, or -1 if {@code pos} is not in the set. */
    long rangeEndAt(long pos) {
        Map.Entry<Long, Long> e = ranges.floorEntry(pos);
        return e != null && e.getValue() > pos ? e.getValue() : -1;
    }

    /** The start of the first range after {@code pos}, or {@link Long#MAX_VALUE}. */
    long nextStartAfter(long pos) {
        Long k = ranges.higherKey(pos);
        return k == null ? Long.MAX_VALUE : k;
    }

    boolean covers(long start, long end) {
        long e = rangeEndAt(start);
        return start >= end || e >= end;
    }

    boolean intersects(long start, long end) {
        return !overlap(start, end).isEmpty();
    }

    /** The parts of {@code [start, end)} in the set, ascending, as {start, end} pairs. */
    List<long[]> overlap(long start, long end) {
        List<long[]> out = new ArrayList<>();
        if (start >= end) {
            return out;
        }
        Map.Entry<Long, Long> first = ranges.floorEntry(start);
        Long from = first != null && first.getValue() > start ? first.getKey() : Long.valueOf(start);
        for (Map.Entry<Long, Long> e : ranges.subMap(from, true, end, false).entrySet()) {
            long s = Math.max(start, e.getKey());
            long t = Math.min(end, e.getValue());
            if (s < t) {
                out.add(new long[] {s, t});
            }
        }
        return out;
    }

    /** The parts of {@code [start, end)} not in the set, ascending. */
    List<long[]> gaps(long start, long end) {
        List<long[]> out = new ArrayList<>();
        long pos = start;
        for (long[] r : overlap(start, end)) {
            if (r[0] > pos) {
                out.add(new long[] {pos, r[0]});
            }
            pos = r[1];
        }
        if (pos < end) {
            out.add(new long[] {pos, end});
        }
        return out;
    }

    /** The number of offsets of {@code [start, end)} not in the set. */
    long gapLength(long start, long end) {
        long covered = 0;
        for (long[] r : overlap(start, end)) {
            covered += r[1] - r[0];
        }
        return Math.max(0, end - start) - covered;
    }

    long total() {
        long t = 0;
        for (Map.Entry<Long, Long> e : ranges.entrySet()) {
            t += e.getValue() - e.getKey();
        }
        return t;
    }

    /** The ranges as {start, end} pairs, ascending. */
    List<long[]> toList() {
        List<long[]> out = new ArrayList<>(ranges.size());
        ranges.forEach((s, e) -> out.add(new long[] {s, e}));
        return out;
    }

    static RangeSet of(List<long[]> pairs) {
        RangeSet r = new RangeSet();
        for (long[] p : pairs) {
            r.add(p[0], p[1]);
        }
        return r;
    }

    @Override
    public String toString() {
        return ranges.toString();
    }
}
