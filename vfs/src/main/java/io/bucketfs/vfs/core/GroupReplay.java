package io.bucketfs.vfs.core;

import java.util.ArrayList;
import java.util.List;

/**
 * Replays journal records into a {@link Namespace}, applying each {@link NsRecord.Part} group only once its last
 * part is read: a group a crash cut short (its operation never acknowledged) is dropped, whole. Records outside
 * groups apply at once (the mover's {@code KEYDONE}s may sit between the parts of a group; they never concern it,
 * since the mover waits for a group to be durable).
 */
final class GroupReplay {

    private final Namespace ns;
    private final List<NsRecord> open = new ArrayList<>();
    private long group;
    private int nextIndex = -1;
    private int droppedRecords;

    GroupReplay(Namespace ns) {
        this.ns = ns;
    }

    void apply(NsRecord r) {
        if (!(r instanceof NsRecord.Part p)) {
            ns.apply(r);
            return;
        }
        if (nextIndex < 0 || p.group() != group || p.index() != nextIndex) {
            dropOpen();
            if (p.index() != 0) { // the tail of a group whose head is gone: cannot be whole
                droppedRecords += p.records().size();
                return;
            }
            group = p.group();
            nextIndex = 0;
        }
        open.addAll(p.records());
        nextIndex++;
        if (p.last()) {
            for (NsRecord sub : open) {
                ns.apply(sub);
            }
            open.clear();
            nextIndex = -1;
        }
    }

    /** At the end of replay: drops a group still open; returns how many records were dropped in all. */
    int finish() {
        dropOpen();
        return droppedRecords;
    }

    private void dropOpen() {
        droppedRecords += open.size();
        open.clear();
        nextIndex = -1;
    }
}
