package io.bucketfs.vfs.lock;

import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Optional;

/**
 * The byte-range lock rules as pure functions over lists of locks: conflicts, POSIX merge/split, SMB exact
 * unlock. No state, no locking; {@link LockManager} runs them inside {@link LockStore#update} mutations.
 */
final class RangeRules {

    private static final Comparator<ByteRangeLock> BY_OFFSET =
            (a, b) -> Long.compareUnsigned(a.range().offset(), b.range().offset());

    private RangeRules() {
    }

    /**
     * Whether a held lock keeps a new lock request from being granted.
     * <ul>
     *   <li>Different owners, any flavours: the ranges overlap and either is WRITE.</li>
     *   <li>Same owner, both SMB ([MS-FSA] 2.1.4.10 with LockIntent): an exclusive request conflicts with every
     *       overlapping lock of the owner; a shared request with none (a shared lock may be stacked on the
     *       owner's own exclusive or shared lock).</li>
     *   <li>Same owner otherwise (POSIX, or mixed flavours): never; POSIX requests replace the owner's range.</li>
     * </ul>
     */
    static boolean lockConflicts(ByteRangeLock held, LockOwner owner, LockFlavor flavor, LockType type,
            ByteRange range) {
        if (!held.range().overlaps(range)) {
            return false;
        }
        if (held.owner().equals(owner)) {
            return flavor == LockFlavor.SMB && held.flavor() == LockFlavor.SMB && type == LockType.WRITE;
        }
        return type == LockType.WRITE || held.type() == LockType.WRITE;
    }

    /**
     * Whether a held lock forbids a read or write of a range by {@code owner} ([MS-FSA] 2.1.4.10 without
     * LockIntent): an exclusive lock forbids reads and writes by other owners; a shared lock forbids writes by
     * other owners and, if it is an SMB lock, by its own owner too.
     */
    static boolean ioConflicts(ByteRangeLock held, LockOwner owner, ByteRange range, boolean write) {
        if (!held.range().overlaps(range)) {
            return false;
        }
        boolean same = held.owner().equals(owner);
        if (held.type() == LockType.WRITE) {
            return !same;
        }
        return write && (!same || held.flavor() == LockFlavor.SMB);
    }

    /** The conflicting lock with the lowest offset, if any. */
    static Optional<ByteRangeLock> firstConflict(List<ByteRangeLock> locks, LockOwner owner, LockFlavor flavor,
            LockType type, ByteRange range) {
        return locks.stream().filter(l -> lockConflicts(l, owner, flavor, type, range)).min(BY_OFFSET);
    }

    /** The I/O conflict with the lowest offset, if any. */
    static Optional<ByteRangeLock> firstIoConflict(List<ByteRangeLock> locks, LockOwner owner, ByteRange range,
            boolean write) {
        return locks.stream().filter(l -> ioConflicts(l, owner, range, write)).min(BY_OFFSET);
    }

    /**
     * The locks after granting a POSIX lock: the owner's POSIX locks lose the new range (split where needed),
     * the new lock is added, and the owner's adjacent locks of one type are merged. Other locks are untouched.
     * Afterwards the owner's POSIX locks are disjoint, sorted by offset, and no two adjacent ones share a type.
     */
    static List<ByteRangeLock> posixLock(List<ByteRangeLock> locks, ByteRangeLock added) {
        List<ByteRangeLock> out = new ArrayList<>();
        List<ByteRangeLock> mine = new ArrayList<>();
        split(locks, added.owner(), added.range(), out, mine);
        mine.add(added);
        mine.sort(BY_OFFSET);
        List<ByteRangeLock> merged = new ArrayList<>();
        for (ByteRangeLock l : mine) {
            int lastIndex = merged.size() - 1;
            ByteRangeLock prev = lastIndex < 0 ? null : merged.get(lastIndex);
            if (prev != null && prev.type() == l.type() && prev.range().adjacent(l.range())) {
                merged.set(lastIndex, prev.withRange(ByteRange.span(prev.range().offset(), l.range().last())));
            } else {
                merged.add(l);
            }
        }
        out.addAll(merged);
        return out;
    }

    /** The locks after a POSIX unlock: the owner's POSIX locks lose the range, split where needed. */
    static List<ByteRangeLock> posixUnlock(List<ByteRangeLock> locks, LockOwner owner, ByteRange range) {
        List<ByteRangeLock> out = new ArrayList<>();
        List<ByteRangeLock> mine = new ArrayList<>();
        split(locks, owner, range, out, mine);
        mine.sort(BY_OFFSET);
        out.addAll(mine);
        return out;
    }

    /**
     * The locks after an SMB unlock ([MS-FSA] 2.1.5.9): one SMB lock of the owner with exactly this offset and
     * length is removed, an exclusive one in preference to a shared one; empty if there is none.
     */
    static Optional<List<ByteRangeLock>> smbUnlock(List<ByteRangeLock> locks, LockOwner owner, ByteRange range) {
        int found = -1;
        for (int i = 0; i < locks.size(); i++) {
            ByteRangeLock l = locks.get(i);
            if (l.flavor() == LockFlavor.SMB && l.owner().equals(owner)
                    && l.range().offset() == range.offset() && l.range().length() == range.length()) {
                found = i;
                if (l.type() == LockType.WRITE) {
                    break;
                }
            }
        }
        if (found < 0) {
            return Optional.empty();
        }
        List<ByteRangeLock> out = new ArrayList<>(locks);
        out.remove(found);
        return Optional.of(out);
    }

    /**
     * Sorts locks into {@code others} and {@code mine} (the owner's POSIX locks), cutting {@code range} out of
     * each of mine.
     */
    private static void split(List<ByteRangeLock> locks, LockOwner owner, ByteRange range,
            List<ByteRangeLock> others, List<ByteRangeLock> mine) {
        for (ByteRangeLock l : locks) {
            if (l.flavor() != LockFlavor.POSIX || !l.owner().equals(owner)) {
                others.add(l);
            } else if (!l.range().overlaps(range)) {
                mine.add(l);
            } else {
                ByteRange r = l.range();
                if (Long.compareUnsigned(r.offset(), range.offset()) < 0) {
                    mine.add(l.withRange(ByteRange.span(r.offset(), range.offset() - 1)));
                }
                if (Long.compareUnsigned(r.last(), range.last()) > 0) {
                    mine.add(l.withRange(ByteRange.span(range.last() + 1, r.last())));
                }
            }
        }
    }
}
