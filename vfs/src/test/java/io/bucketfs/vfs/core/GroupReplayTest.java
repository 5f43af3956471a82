package io.bucketfs.vfs.core;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.bucketfs.vfs.core.NsRecord.KeyOp;
import io.bucketfs.vfs.core.NsRecord.Part;
import io.bucketfs.vfs.journal.Journal;
import io.bucketfs.vfs.journal.JournalSettings;
import io.bucketfs.vfs.journal.Replay;
import java.nio.file.Path;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/** An operation's records are applied whole or not at all, however a crash cut their writing. */
@Timeout(value = 30, unit = TimeUnit.SECONDS)
class GroupReplayTest {

    @TempDir
    Path tmp;

    private final Namespace ns = new Namespace("", Instant.EPOCH, 0755, 0, 0);
    private final GroupReplay replay = new GroupReplay(ns);

    private static KeyOp op(long id) {
        return new KeyOp(id, KeyOp.Kind.DELETE, "k" + id, null, null, 1);
    }

    private static NsRecord roundTrip(NsRecord r) throws Exception {
        return NsRecord.decode(NsRecord.encode(r));
    }

    @Test
    void aWholeGroupIsApplied() throws Exception {
        replay.apply(roundTrip(new Part(7, 0, false, List.of(op(1), op(2)))));
        assertTrue(ns.pending().isEmpty(), "nothing before the last part");
        replay.apply(roundTrip(new Part(7, 1, true, List.of(op(3)))));
        assertEquals(List.of(1L, 2L, 3L), new ArrayList<>(ns.pending().keySet()));
        assertEquals(0, replay.finish());
    }

    @Test
    void aTornGroupIsDroppedAtTheEnd() throws Exception {
        replay.apply(roundTrip(new Part(7, 0, false, List.of(op(1), op(2)))));
        assertEquals(2, replay.finish());
        assertTrue(ns.pending().isEmpty());
    }

    @Test
    void aTornGroupFollowedByLaterOperationsIsDroppedAndTheRestApplies() throws Exception {
        replay.apply(new Part(7, 0, false, List.of(op(1))));
        replay.apply(op(2)); // a record outside any group (written after the restart)
        replay.apply(new Part(9, 0, true, List.of(op(3), op(4))));
        assertEquals(List.of(2L, 3L, 4L), new ArrayList<>(ns.pending().keySet()));
        assertEquals(1, replay.finish());
    }

    @Test
    void recordsBetweenPartsApplyAtOnceAndTheGroupStillCompletes() throws Exception {
        replay.apply(new Part(7, 0, false, List.of(op(1))));
        replay.apply(new NsRecord.KeyDone(99));
        replay.apply(new Part(7, 1, true, List.of(op(2))));
        assertEquals(List.of(1L, 2L), new ArrayList<>(ns.pending().keySet()));
    }

    @Test
    void aPartWithoutItsHeadIsDropped() throws Exception {
        replay.apply(new Part(7, 1, true, List.of(op(1))));
        assertTrue(ns.pending().isEmpty());
        assertEquals(1, replay.finish());
    }

    @Test
    void metaLogSplitsABigOperationIntoPartsThatReplayWhole() throws Exception {
        JournalSettings settings = JournalSettings.defaults().withMaxRecordBytes(4096);
        Journal j = Journal.open(tmp, settings, Replay.of((lsn, in) -> { }, (lsn, p) -> { }));
        MetaLog log = new MetaLog(j);
        List<NsRecord> recs = new ArrayList<>();
        for (long k = 1; k <= 500; k++) {
            recs.add(op(k));
        }
        MetaLog.await(log.append(recs));
        long records = j.lastLsn();
        j.close();
        assertTrue(records > 2, "500 ops in 4 KiB records need several parts: " + records);
        Journal again = Journal.open(tmp, settings,
                Replay.of((lsn, in) -> { }, (lsn, p) -> replay.apply(NsRecord.decode(p))));
        again.close();
        assertEquals(500, ns.pending().size());
        assertEquals(0, replay.finish());
    }
}
