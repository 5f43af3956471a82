package io.bucketfs.vfs.core;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.bucketfs.vfs.core.NsRecord.KeyOp;
import io.bucketfs.vfs.core.NsRecord.KeyOp.Kind;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/** Where recovery looks for the staged bytes of a file whose renames a crash cut short. */
@Timeout(value = 10, unit = TimeUnit.SECONDS)
class KeysBeforeRenamesTest {

    private static KeyOp op(long id, Kind kind, String source, String target, long inode) {
        return new KeyOp(id, kind, source, target, null, inode);
    }

    @Test
    void fileRenamedAfterItsDirectoryMovedIsFoundAtTheMovedPath() {
        // d/f staged; d -> e (the stager followed: e/f); then e/f -> e/g, whose MOVE names the pre-move key d/f
        List<KeyOp> ops = List.of(op(1, Kind.MOVE_PREFIX, "d/", "e/", 10), op(2, Kind.MOVE, "d/f", "e/g", 7));
        List<String> keys = StagedRecovery.keysBeforeRenames("e/g", 7, ops);
        assertTrue(keys.contains("e/f"), keys.toString()); // the stager's key when the crash came
        assertTrue(keys.contains("d/f"), keys.toString()); // the directory move's retarget also cut short
    }

    @Test
    void directoryMovesAreUndoneNewestFirst() {
        List<KeyOp> ops = List.of(op(1, Kind.MOVE_PREFIX, "a/", "b/", 10), op(2, Kind.MOVE_PREFIX, "b/", "c/", 10));
        assertEquals(List.of("b/x", "a/x"), StagedRecovery.keysBeforeRenames("c/x", 7, ops));
        // and forward: a directory move whose retarget was cut short
        assertEquals(java.util.Set.of("c/x", "b/x"), java.util.Set.copyOf(StagedRecovery.keysBeforeRenames("a/x", 7, ops)));
    }

    @Test
    void opsOfOtherInodesAndUnrelatedPrefixesAreIgnored() {
        List<KeyOp> ops = List.of(op(1, Kind.MOVE, "p/q", "p/r", 8), op(2, Kind.MOVE_PREFIX, "z/", "y/", 10),
                op(3, Kind.DELETE, "p/old", null, 8));
        assertEquals(List.of(), StagedRecovery.keysBeforeRenames("p/r2", 7, ops));
    }

    @Test
    void aChainOfOwnRenamesGivesEveryEarlierName() {
        List<KeyOp> ops = List.of(op(1, Kind.MOVE, "a", "b", 7), op(2, Kind.MOVE, "a", "c", 7));
        // the second rename's data key is still 'a' (bytes there until an upload reaches the new key), and the
        // stager's key then was 'b' — which the first op's target names
        List<String> keys = StagedRecovery.keysBeforeRenames("c", 7, ops);
        assertTrue(keys.contains("a"), keys.toString());
        assertTrue(keys.contains("b"), keys.toString());
    }
}
