package io.bucketfs.vfs.core;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;

import java.nio.ByteBuffer;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** {@link InFlightWrite}: what the crash test accepts for a WRITE a kill caught in flight. */
class InFlightWriteTest {

    @TempDir
    Path tmp;

    private static byte[] fill(int n, int v) {
        byte[] b = new byte[n];
        Arrays.fill(b, (byte) v);
        return b;
    }

    /** The shape of the kill-1 failure: old 10 bytes; calls past the end, over the middle, over the start. */
    private InFlightWrite sample() throws Exception {
        byte[] old = fill(10, 1);
        byte[] a = fill(3, 2);
        byte[] b = fill(6, 3);
        byte[] c = fill(4, 4);
        Path f = InFlightWrite.fileFor(tmp.resolve("child-0.out"));
        InFlightWrite.save(f, 7, old, List.of(15L, 6L, 0L),
                List.of(ByteBuffer.wrap(a), ByteBuffer.wrap(new byte[] {9, 3, 3, 3, 3, 3, 3, 9}, 1, 6),
                        ByteBuffer.wrap(c)));
        InFlightWrite w = InFlightWrite.load(f);
        assertEquals(7, w.seq());
        assertEquals(List.of(15L, 6L, 0L), w.calls().stream().map(InFlightWrite.Call::offset).toList());
        assertEquals(Arrays.toString(b), Arrays.toString(w.calls().get(1).bytes()));
        return w;
    }

    @Test
    void acceptsTheOldContentWithAnySubsetOfTheCalls() throws Exception {
        InFlightWrite w = sample();
        assertNull(w.check(fill(10, 1))); // none
        byte[] first = Arrays.copyOf(fill(10, 1), 18); // the append alone: a zero gap, then its bytes
        Arrays.fill(first, 15, 18, (byte) 2);
        assertNull(w.check(first));
        byte[] all = first.clone();
        Arrays.fill(all, 6, 12, (byte) 3);
        Arrays.fill(all, 0, 4, (byte) 4);
        assertNull(w.check(all));
        byte[] middle = Arrays.copyOf(fill(10, 1), 12);
        Arrays.fill(middle, 6, 12, (byte) 3);
        assertNull(w.check(middle));
    }

    @Test
    void rejectsForeignBytesAndSizes() throws Exception {
        InFlightWrite w = sample();
        byte[] stale = fill(10, 1);
        stale[5] = 5; // no call covers byte 5 with a 5
        assertNotNull(w.check(stale));
        byte[] wrongCall = fill(10, 1);
        wrongCall[7] = 2; // a byte of a call that does not cover it
        assertNotNull(w.check(wrongCall));
        assertNotNull(w.check(fill(9, 1))); // shorter than before
        assertNotNull(w.check(Arrays.copyOf(fill(10, 1), 14))); // grown, but to no call's end
        byte[] zeroed = fill(10, 1);
        zeroed[2] = 0; // a hole inside the old content
        assertNotNull(w.check(zeroed));
    }
}
