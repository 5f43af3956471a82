package io.bucketfs.vfs.journal;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.file.DirectoryStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.StandardOpenOption;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Recovery on open: picks the snapshot, replays the log, applies the torn-tail and mid-log corruption rules
 * documented on {@link Journal}, and removes files a crash left behind. Runs once, single-threaded, before
 * the writer thread starts.
 */
final class JournalRecovery {
    private static final Logger LOG = LoggerFactory.getLogger(JournalRecovery.class);

    /** Outcome of recovery: the log the writer continues, and the statistics. */
    record Result(long snapshotLsn, List<SegmentInfo> segments, long lastLsn, ReplayStats stats) {
    }

    /** Where a segment scan stopped: at its end ({@code reason == null}) or at a bad record. */
    private record Scan(long lastLsn, long validEnd, long size, String reason) {
    }

    private final Path dir;
    private final Replay replay;
    private final ChannelFactory io;
    private final TreeMap<Long, Path> snapshots = new TreeMap<>();
    private final TreeMap<Long, Path> segments = new TreeMap<>();
    private final List<Path> obsolete = new ArrayList<>();
    private long snapshotLsn;
    private long snapshotBytes;
    private long records;
    private long bytes;
    private int segmentsRead;
    private long truncatedBytes;

    private JournalRecovery(Path dir, Replay replay, ChannelFactory io) {
        this.dir = dir;
        this.replay = replay;
        this.io = io;
    }

    static Result run(Path dir, Replay replay, ChannelFactory io) throws IOException {
        return new JournalRecovery(dir, replay, io).recover();
    }

    private Result recover() throws IOException {
        long start = System.nanoTime();
        listDirectory();
        Path snapshot = chooseSnapshot();
        if (snapshot != null) {
            SnapshotFile.restore(snapshot, snapshotLsn, snapshotBytes, replay::restore);
        }
        List<SegmentInfo> log = replayLog();
        long lastLogLsn = log.isEmpty() ? 0 : log.get(log.size() - 1).lastLsn();
        if (!log.isEmpty() && lastLogLsn < snapshotLsn) {
            // every record is covered by the snapshot: the log restarts at snapshotLsn + 1
            log.forEach(s -> obsolete.add(s.path()));
            log = List.of();
        }
        long lastLsn = Math.max(lastLogLsn, snapshotLsn);
        removeObsolete(snapshot);
        long millis = (System.nanoTime() - start) / 1_000_000;
        ReplayStats stats = new ReplayStats(snapshotLsn, snapshotBytes, records, bytes, segmentsRead,
                truncatedBytes, lastLsn, millis);
        return new Result(snapshotLsn, log, lastLsn, stats);
    }

    private void listDirectory() throws IOException {
        try (DirectoryStream<Path> files = Files.newDirectoryStream(dir)) {
            for (Path p : files) {
                String name = p.getFileName().toString();
                long lsn;
                if (name.endsWith(SnapshotFile.TMP_SUFFIX)
                        && SnapshotFile.parseName(name.substring(0, name.length() - 4)) >= 0) {
                    LOG.info("journal {}: removing unfinished snapshot {}", dir, name);
                    Files.delete(p);
                } else if ((lsn = SnapshotFile.parseName(name)) >= 0) {
                    snapshots.put(lsn, p);
                } else if ((lsn = SegmentFormat.parseSegmentName(name)) >= 1) {
                    segments.put(lsn, p);
                } else {
                    LOG.debug("journal {}: ignoring {}", dir, name);
                }
            }
        }
    }

    /**
     * The newest snapshot that verifies and from which the log is contiguous; a newer damaged one is renamed
     * to {@code *.corrupt} with a WARN. Null if there are no snapshots and the log starts at LSN 1.
     */
    private Path chooseSnapshot() throws IOException {
        long firstSegment = segments.isEmpty() ? Long.MAX_VALUE : segments.firstKey();
        JournalCorruptException lastProblem = null;
        for (Map.Entry<Long, Path> e : snapshots.descendingMap().entrySet()) {
            long lsn = e.getKey();
            Path file = e.getValue();
            try {
                long body = SnapshotFile.verify(file, lsn);
                if (firstSegment != Long.MAX_VALUE && firstSegment > lsn + 1) {
                    throw new JournalCorruptException("log starts at LSN " + firstSegment + ", after snapshot "
                            + lsn + " + 1", file, -1);
                }
                snapshotLsn = lsn;
                snapshotBytes = body;
                return file;
            } catch (JournalCorruptException problem) {
                if (lastProblem != null) {
                    problem.addSuppressed(lastProblem);
                }
                lastProblem = problem;
                LOG.warn("journal {}: snapshot {} unusable, trying an older one: {}", dir, file.getFileName(),
                        problem.getMessage());
            }
        }
        if (lastProblem != null) {
            throw new JournalCorruptException("no usable snapshot, and the log does not reach back to LSN 1;"
                    + " refusing to open (acknowledged state would be lost): " + lastProblem.getMessage(),
                    dir, -1);
        }
        if (firstSegment != Long.MAX_VALUE && firstSegment != 1) {
            throw new JournalCorruptException("no snapshot and the log starts at LSN " + firstSegment, dir, -1);
        }
        return null;
    }

    /** Replays every segment in order; returns the segments kept, the last one to be appended to. */
    private List<SegmentInfo> replayLog() throws IOException {
        List<SegmentInfo> kept = new ArrayList<>();
        long expected = -1;
        List<Map.Entry<Long, Path>> all = new ArrayList<>(segments.entrySet());
        for (int i = 0; i < all.size(); i++) {
            long first = all.get(i).getKey();
            Path path = all.get(i).getValue();
            boolean last = i == all.size() - 1;
            if (!last && all.get(i + 1).getKey() <= snapshotLsn + 1) {
                obsolete.add(path);
                continue;
            }
            if (expected >= 0 && first != expected) {
                throw new JournalCorruptException("gap in the log: segment starts at LSN " + first + " but "
                        + expected + " was expected", path, -1);
            }
            SegmentInfo info = replaySegment(path, first, last);
            if (info != null) {
                kept.add(info);
                expected = info.lastLsn() + 1;
            }
        }
        return kept;
    }

    /** Replays one segment; null if it was a torn, record-less last segment and has been deleted. */
    private SegmentInfo replaySegment(Path path, long first, boolean last) throws IOException {
        segmentsRead++;
        Scan scan;
        try (FileChannel ch = FileChannel.open(path, StandardOpenOption.READ)) {
            ReadWindow in = new ReadWindow(ch, ch.size());
            String headerProblem = in.size() < SegmentFormat.SEGMENT_HEADER_BYTES ? "short segment header"
                    : SegmentFormat.checkSegmentHeader(in.get(0, SegmentFormat.SEGMENT_HEADER_BYTES), first);
            if (headerProblem != null) {
                if (last && in.size() <= SegmentFormat.SEGMENT_HEADER_BYTES) {
                    LOG.warn("journal {}: deleting last segment {} torn while being created ({})", dir,
                            path.getFileName(), headerProblem);
                    Files.delete(path);
                    SegmentFormat.syncDirectory(io, dir);
                    return null;
                }
                throw new JournalCorruptException(headerProblem, path, 0);
            }
            scan = scanRecords(in, first);
            if (scan.reason() != null) {
                checkTornTail(path, in, scan, last);
            }
        }
        if (scan.reason() != null) {
            truncate(path, scan);
        }
        return new SegmentInfo(path, first, scan.lastLsn(), scan.validEnd());
    }

    private Scan scanRecords(ReadWindow in, long first) throws IOException {
        long pos = SegmentFormat.SEGMENT_HEADER_BYTES;
        long expected = first;
        long size = in.size();
        while (pos < size) {
            String reason = null;
            if (size - pos < SegmentFormat.RECORD_HEADER_BYTES) {
                reason = "partial record header";
            } else {
                ByteBuffer header = in.get(pos, SegmentFormat.RECORD_HEADER_BYTES);
                int length = header.getInt(0);
                long lsn = header.getLong(4);
                if (length < 0 || length > size - pos - SegmentFormat.RECORD_HEADER_BYTES) {
                    reason = "record length " + length + " runs past the end of the file";
                } else if (lsn != expected) {
                    reason = "LSN " + lsn + " where " + expected + " was expected";
                } else {
                    int crc = header.getInt(12);
                    ByteBuffer payload = in.get(pos + SegmentFormat.RECORD_HEADER_BYTES, length);
                    if (SegmentFormat.crc(lsn, payload) != crc) {
                        reason = "checksum mismatch in record " + lsn;
                    } else {
                        deliver(lsn, payload);
                    }
                }
            }
            if (reason != null) {
                return new Scan(expected - 1, pos, size, reason);
            }
            pos += SegmentFormat.RECORD_HEADER_BYTES + in.get(pos, 4).getInt(0);
            expected++;
        }
        return new Scan(expected - 1, pos, size, null);
    }

    private void deliver(long lsn, ByteBuffer payload) throws IOException {
        if (lsn <= snapshotLsn) {
            return;
        }
        byte[] copy = new byte[payload.remaining()];
        payload.get(copy);
        replay.apply(lsn, copy);
        records++;
        bytes += copy.length;
    }

    /** Throws unless the bad record is a torn tail: in the last segment, with no valid record after it. */
    private void checkTornTail(Path path, ReadWindow in, Scan scan, boolean last) throws IOException {
        if (!last) {
            throw new JournalCorruptException("bad record in a sealed segment (" + scan.reason()
                    + "); later segments hold acknowledged records", path, scan.validEnd());
        }
        long found = findValidRecord(in, scan.validEnd() + 1, scan.lastLsn());
        if (found >= 0) {
            throw new JournalCorruptException("bad record (" + scan.reason() + ") followed by a valid record at"
                    + " offset " + found + ": mid-log corruption, refusing to drop acknowledged records", path,
                    scan.validEnd());
        }
    }

    /** Offset of the first record at or after {@code from} that checks out with an LSN above lastGood. */
    private static long findValidRecord(ReadWindow in, long from, long lastGood) throws IOException {
        long size = in.size();
        long maxLsn = lastGood + (size - from) / SegmentFormat.RECORD_HEADER_BYTES + 1;
        for (long o = from; o + SegmentFormat.RECORD_HEADER_BYTES <= size; o++) {
            ByteBuffer header = in.get(o, SegmentFormat.RECORD_HEADER_BYTES);
            int length = header.getInt(0);
            long lsn = header.getLong(4);
            if (lsn <= lastGood || lsn > maxLsn || length < 0
                    || length > size - o - SegmentFormat.RECORD_HEADER_BYTES) {
                continue;
            }
            ByteBuffer payload = in.get(o + SegmentFormat.RECORD_HEADER_BYTES, length);
            if (SegmentFormat.crc(lsn, payload) == header.getInt(12)) {
                return o;
            }
        }
        return -1;
    }

    private void truncate(Path path, Scan scan) throws IOException {
        long dropped = scan.size() - scan.validEnd();
        LOG.warn("journal {}: truncating torn tail of {}: {} bytes from offset {} ({}); last good LSN {}", dir,
                path.getFileName(), dropped, scan.validEnd(), scan.reason(), scan.lastLsn());
        try (FileChannel ch = io.open(path, StandardOpenOption.WRITE)) {
            ch.truncate(scan.validEnd());
            ch.force(true);
        }
        truncatedBytes += dropped;
    }

    /** Deletes snapshots older than the chosen one and segments wholly covered by it. */
    private void removeObsolete(Path chosen) throws IOException {
        boolean changed = false;
        for (Map.Entry<Long, Path> e : snapshots.entrySet()) {
            if (e.getKey() < snapshotLsn) {
                obsolete.add(e.getValue());
            } else if (e.getKey() > snapshotLsn && chosen != null) {
                Path aside = e.getValue().resolveSibling(e.getValue().getFileName() + ".corrupt");
                LOG.warn("journal {}: moving unusable snapshot aside to {}", dir, aside.getFileName());
                Files.move(e.getValue(), aside, StandardCopyOption.REPLACE_EXISTING);
                changed = true;
            }
        }
        for (Path p : obsolete) {
            LOG.info("journal {}: removing {}, covered by snapshot {}", dir, p.getFileName(), snapshotLsn);
            changed |= Files.deleteIfExists(p);
        }
        if (changed) {
            SegmentFormat.syncDirectory(io, dir);
        }
    }
}
