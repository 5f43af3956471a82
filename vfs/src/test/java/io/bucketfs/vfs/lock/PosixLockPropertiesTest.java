package io.bucketfs.vfs.lock;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.time.Duration;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;

import net.jqwik.api.Arbitraries;
import net.jqwik.api.Arbitrary;
import net.jqwik.api.Combinators;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.Provide;

/**
 * Random sequences of lock and unlock operations by a few owners, checked against a byte-map model: for
 * each byte (cells 0..{@value #CELLS}-1, plus one cell standing for every byte from {@value #CELLS} to the
 * last), which owner holds which type. Tries and sequence lengths are bounded so the properties run in about a
 * second.
 */
class PosixLockPropertiesTest {

    static final int CELLS = 16;
    static final int TAIL = CELLS;
    static final long F = 1;
    static final List<LockOwner> OWNERS = List.of(
            new LockOwner("c1", "o1"), new LockOwner("c1", "o2"), new LockOwner("c2", "o1"));

    /** One operation; {@code length == 0} stands for {@link ByteRange#TO_EOF}. */
    record Op(boolean unlock, int owner, LockType type, int offset, int length, LockFlavor flavor) {
        long wireLength() {
            return length == 0 ? ByteRange.TO_EOF : length;
        }

        int lastCell() {
            return length == 0 ? TAIL : offset + length - 1;
        }

        @Override
        public String toString() {
            return (unlock ? "unlock " : "lock " + type + " ") + flavor + " o" + owner + " [" + offset + ","
                    + (length == 0 ? "EOF" : Integer.toString(length)) + ")";
        }
    }

    @Provide
    Arbitrary<List<Op>> posixOps() {
        return ops(Arbitraries.just(LockFlavor.POSIX));
    }

    @Provide
    Arbitrary<List<Op>> mixedOps() {
        return ops(Arbitraries.of(LockFlavor.class));
    }

    private static Arbitrary<List<Op>> ops(Arbitrary<LockFlavor> flavors) {
        Arbitrary<Integer> offsets = Arbitraries.integers().between(0, CELLS - 1);
        Arbitrary<Op> op = Combinators.combine(
                Arbitraries.integers().between(0, 3).map(i -> i == 0),
                Arbitraries.integers().between(0, OWNERS.size() - 1),
                Arbitraries.of(LockType.class),
                offsets,
                Arbitraries.integers().between(0, CELLS),
                flavors).as((unlock, owner, type, off, len, flavor) ->
                        new Op(unlock, owner, type, off, len == 0 ? 0 : Math.min(len, CELLS - off), flavor));
        return op.list().ofMinSize(1).ofMaxSize(30);
    }

    private static LockManager newManager() {
        return new LockManager(new InMemoryLockStore(2), new ManualTimer(), Duration.ofSeconds(1));
    }

    @Property(tries = 400)
    void posixLocksMatchTheByteMapModel(@ForAll("posixOps") List<Op> ops) {
        LockManager lm = newManager();
        LockType[][] model = new LockType[OWNERS.size()][CELLS + 1];
        for (Op op : ops) {
            LockOwner owner = OWNERS.get(op.owner());
            if (op.unlock()) {
                LockResult r = lm.unlock(F, owner, LockFlavor.POSIX, op.offset(), op.wireLength());
                assertEquals(LockStatus.OK, r.status(), op::toString);
                fill(model[op.owner()], op, null);
            } else {
                boolean denied = modelDenies(model, op);
                LockResult r = lm.lock(F, owner, LockFlavor.POSIX, op.type(), op.offset(), op.wireLength(), false)
                        .join();
                assertEquals(denied ? LockStatus.DENIED : LockStatus.GRANTED, r.status(), op::toString);
                if (denied) {
                    ByteRangeLock c = r.conflict().orElseThrow();
                    assertNotEquals(owner, c.owner());
                    assertTrue(c.type() == LockType.WRITE || op.type() == LockType.WRITE);
                    assertTrue(c.range().overlaps(ByteRange.posix(op.offset(), op.wireLength()).orElseThrow()));
                } else {
                    fill(model[op.owner()], op, op.type());
                }
            }
            for (int o = 0; o < OWNERS.size(); o++) {
                assertEquals(runs(model[o]), implLocks(lm, OWNERS.get(o)), "owner " + o + " after " + op);
            }
            assertInvariants(lm.locks(F));
        }
    }

    @Property(tries = 300)
    void mixedFlavoursNeverLetConflictingLocksCoexist(@ForAll("mixedOps") List<Op> ops) {
        LockManager lm = newManager();
        for (Op op : ops) {
            LockOwner owner = OWNERS.get(op.owner());
            if (!op.unlock()) {
                lm.lock(F, owner, op.flavor(), op.type(), op.offset(), op.wireLength(), false).join();
            } else if (op.flavor() == LockFlavor.POSIX) {
                assertEquals(LockStatus.OK, lm.unlock(F, owner, LockFlavor.POSIX, op.offset(), op.wireLength())
                        .status());
            } else {
                smbUnlockSomething(lm, owner, op);
            }
            assertInvariants(lm.locks(F));
        }
    }

    /** Unlocks an exactly matching SMB lock of the owner if there is one, else expects RANGE_NOT_LOCKED. */
    private static void smbUnlockSomething(LockManager lm, LockOwner owner, Op op) {
        List<ByteRangeLock> mine = lm.locks(F).stream()
                .filter(l -> l.owner().equals(owner) && l.flavor() == LockFlavor.SMB).toList();
        if (mine.isEmpty()) {
            boolean valid = ByteRange.smb(op.offset(), op.wireLength()).isPresent();
            assertEquals(valid ? LockStatus.RANGE_NOT_LOCKED : LockStatus.INVALID_RANGE,
                    lm.unlock(F, owner, LockFlavor.SMB, op.offset(), op.wireLength()).status());
            return;
        }
        ByteRange r = mine.get(op.offset() % mine.size()).range();
        int before = lm.locks(F).size();
        assertEquals(LockStatus.OK, lm.unlock(F, owner, LockFlavor.SMB, r.offset(), r.length()).status());
        assertEquals(before - 1, lm.locks(F).size());
    }

    /** An owner's POSIX locks never overlap each other; locks of different owners never conflict. */
    static void assertInvariants(List<ByteRangeLock> locks) {
        for (int i = 0; i < locks.size(); i++) {
            for (int j = i + 1; j < locks.size(); j++) {
                ByteRangeLock a = locks.get(i);
                ByteRangeLock b = locks.get(j);
                if (!a.range().overlaps(b.range())) {
                    continue;
                }
                if (a.owner().equals(b.owner())) {
                    assertFalse(a.flavor() == LockFlavor.POSIX && b.flavor() == LockFlavor.POSIX,
                            () -> "own POSIX locks overlap: " + a + " " + b);
                } else {
                    assertFalse(a.type() == LockType.WRITE || b.type() == LockType.WRITE,
                            () -> "conflicting locks coexist: " + a + " " + b);
                }
            }
        }
    }

    private static boolean modelDenies(LockType[][] model, Op op) {
        for (int o = 0; o < model.length; o++) {
            if (o == op.owner()) {
                continue;
            }
            for (int c = op.offset(); c <= op.lastCell(); c++) {
                LockType held = model[o][c];
                if (held != null && (held == LockType.WRITE || op.type() == LockType.WRITE)) {
                    return true;
                }
            }
        }
        return false;
    }

    private static void fill(LockType[] cells, Op op, LockType type) {
        for (int c = op.offset(); c <= op.lastCell(); c++) {
            cells[c] = type;
        }
    }

    /** Maximal runs of one type, as "TYPE offset length", the tail cell meaning "to EOF". */
    private static List<String> runs(LockType[] cells) {
        List<String> out = new ArrayList<>();
        int c = 0;
        while (c <= TAIL) {
            if (cells[c] == null) {
                c++;
                continue;
            }
            int start = c;
            while (c + 1 <= TAIL && cells[c + 1] == cells[start]) {
                c++;
            }
            long length = c == TAIL ? ByteRange.TO_EOF : c - start + 1;
            out.add(cells[start] + " " + start + " " + length);
            c++;
        }
        return out;
    }

    private static List<String> implLocks(LockManager lm, LockOwner owner) {
        return lm.locks(F).stream()
                .filter(l -> l.owner().equals(owner))
                .sorted(Comparator.comparingLong(l -> l.range().offset()))
                .map(l -> l.type() + " " + l.range().offset() + " " + l.range().length())
                .toList();
    }
}
