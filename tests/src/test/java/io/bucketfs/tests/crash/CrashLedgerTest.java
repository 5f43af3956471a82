package io.bucketfs.tests.crash;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;

import io.bucketfs.tests.crash.CrashContent.Version;
import io.bucketfs.tests.crash.CrashLedger.Kind;
import io.bucketfs.tests.crash.CrashLedger.Pending;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/**
 * The crash test's oracle refuses what it must: a lost acknowledged version, a file mixing two versions, a torn
 * block, a half-done rename; and accepts what a crash may leave: an in-flight write not applied or applied in part,
 * an in-flight rename or remove done or not.
 */
@Timeout(value = 10, unit = TimeUnit.SECONDS)
class CrashLedgerTest {

    private static final Version V1 = new Version(7, 1, 3);
    private static final Version V2 = new Version(7, 2, 4);

    private static CrashLedger withF(Version v) {
        CrashLedger l = new CrashLedger("d");
        l.begin(new Pending(Kind.WRITE, "f", null, v, false));
        l.created();
        l.ack("COMMIT");
        return l;
    }

    private static Map<String, byte[]> seen(Object... pathsAndBytes) {
        Map<String, byte[]> m = new TreeMap<>();
        for (int i = 0; i < pathsAndBytes.length; i += 2) {
            m.put((String) pathsAndBytes[i], (byte[]) pathsAndBytes[i + 1]);
        }
        return m;
    }

    @Test
    void anAcknowledgedVersionMustBeThereExactly() {
        CrashLedger l = withF(V1);
        assertNull(l.check(seen("f", V1.bytes())));
        assertNotNull(l.check(seen("f", new byte[0])), "lost");
        assertNotNull(l.check(seen()), "gone");
        assertNotNull(l.check(seen("f", V1.bytes(), "g", V1.bytes())), "an extra name");
    }

    @Test
    void aWriteInFlightLeavesWholeBlocksOfItsOwnVersionOrZerosNeverTheOldOnesOrTornOnes() {
        CrashLedger l = withF(V1);
        l.begin(new Pending(Kind.WRITE, "f", null, V2, false));
        l.truncated();
        byte[] partial = V2.bytes();
        Arrays.fill(partial, CrashContent.BLOCK, 2 * CrashContent.BLOCK, (byte) 0);
        assertNull(l.check(seen("f", partial)), "block 1 not written yet");
        assertNull(l.check(seen("f", Arrays.copyOf(V2.bytes(), CrashContent.BLOCK))), "one block");
        assertNull(l.check(seen("f", new byte[0])), "truncated, nothing written");
        assertNotNull(l.check(seen("f", V1.bytes())), "the old version after its truncation was acknowledged");
        byte[] mixed = V2.bytes();
        System.arraycopy(V1.bytes(), 0, mixed, 0, CrashContent.BLOCK);
        assertNotNull(l.check(seen("f", mixed)), "a block of the old version");
        byte[] torn = V2.bytes();
        torn[CrashContent.BLOCK + 100] ^= 1;
        assertNotNull(l.check(seen("f", torn)), "a torn block");
        assertNotNull(l.check(seen("f", Arrays.copyOf(V2.bytes(), 100))), "not a whole block");
    }

    @Test
    void aWriteInFlightBeforeItsTruncationMayBeNotAppliedAtAll() {
        CrashLedger l = withF(V1);
        l.begin(new Pending(Kind.WRITE, "f", null, V2, false));
        assertNull(l.check(seen("f", V1.bytes())));
        assertNull(l.check(seen("f", V2.bytes())));
    }

    @Test
    void aRenameInFlightIsDoneOrNotAndSettlesToWhatWasSeen() {
        CrashLedger l = withF(V1);
        l.begin(new Pending(Kind.RENAME, "f", "g", null, false));
        assertNull(l.check(seen("f", V1.bytes())));
        assertNull(l.check(seen("g", V1.bytes())));
        assertNotNull(l.check(seen("f", V1.bytes(), "g", V1.bytes())), "both names");
        assertNotNull(l.check(seen()), "neither");
        assertEquals(List.of(), l.settle(seen("g", V1.bytes())));
        assertEquals(Map.of("g", V1), l.acked());
        assertNull(l.pending());
    }

    @Test
    void aPartialWriteIsSettledForRemoval() {
        CrashLedger l = withF(V1);
        l.begin(new Pending(Kind.WRITE, "f", null, V2, false));
        l.truncated();
        assertEquals(List.of("f"), l.settle(seen("f", Arrays.copyOf(V2.bytes(), CrashContent.BLOCK))));
    }
}
