package io.bucketfs.vfs.journal;

import java.io.DataInputStream;
import java.io.DataOutputStream;
import java.io.FileDescriptor;
import java.io.FileOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.PrintStream;
import java.nio.file.Path;
import java.util.Map;
import java.util.concurrent.ConcurrentSkipListMap;
import java.util.concurrent.ThreadLocalRandom;
import java.util.zip.CRC32;

/**
 * Child process of {@link JournalCrashTest}: opens the journal, then appends random records from several
 * threads until killed, printing {@code A <lsn> <hash>} to stdout only after a record's future completed
 * (it is acknowledged), and takes snapshots of its state (the hash of every record so far) when the journal
 * asks for one. Prints {@code READY <lastLsn> <replayMillis>} after opening and {@code ERR ...} if its own
 * replay is inconsistent.
 */
public final class JournalCrashChild {
    static final int APPENDERS = 4;
    static final JournalSettings SETTINGS = JournalSettings.defaults().withMaxRecordBytes(1024)
            .withSegmentBytes(64 * 1024).withSnapshotEveryRecords(700);

    private static final PrintStream OUT = new PrintStream(new FileOutputStream(FileDescriptor.out), true);

    private JournalCrashChild() {
    }

    /** The hash the parent and the child both record for a payload. */
    static int hash(byte[] payload) {
        CRC32 crc = new CRC32();
        crc.update(payload);
        return (int) crc.getValue() ^ payload.length;
    }

    /** Snapshot body: count, then (lsn, hash) pairs for LSN 1..count. */
    static void writeState(Map<Long, Integer> state, long upTo, DataOutputStream out) throws IOException {
        out.writeLong(upTo);
        for (long lsn = 1; lsn <= upTo; lsn++) {
            out.writeLong(lsn);
            out.writeInt(state.get(lsn));
        }
        out.flush();
    }

    static void readState(InputStream in, Map<Long, Integer> state) throws IOException {
        DataInputStream data = new DataInputStream(in);
        long count = data.readLong();
        for (long i = 0; i < count; i++) {
            state.put(data.readLong(), data.readInt());
        }
    }

    public static void main(String[] args) throws Exception {
        Path dir = Path.of(args[0]);
        ConcurrentSkipListMap<Long, Integer> state = new ConcurrentSkipListMap<>();
        Journal journal = Journal.open(dir, SETTINGS, Replay.of(
                (lsn, in) -> readState(in, state),
                (lsn, payload) -> state.put(lsn, hash(payload))));
        long last = journal.lastLsn();
        if (state.size() != last || (last > 0 && state.lastKey() != last)) {
            OUT.println("ERR replay gave " + state.size() + " entries for last LSN " + last);
            System.exit(3);
        }
        OUT.println("READY " + last + " " + journal.replayStats().millis());
        for (int t = 0; t < APPENDERS; t++) {
            Thread appender = new Thread(() -> appendForever(journal, state), "appender-" + t);
            appender.setDaemon(true);
            appender.start();
        }
        snapshotWhenDue(journal, state, last);
    }

    private static void appendForever(Journal journal, Map<Long, Integer> state) {
        ThreadLocalRandom rnd = ThreadLocalRandom.current();
        try {
            while (true) {
                byte[] payload = new byte[1 + rnd.nextInt(400)];
                rnd.nextBytes(payload);
                long lsn = journal.appendAndWait(payload);
                int h = hash(payload);
                state.put(lsn, h);
                OUT.println("A " + lsn + " " + h);
            }
        } catch (IOException e) {
            OUT.println("ERR append failed: " + e);
            System.exit(4);
        }
    }

    private static void snapshotWhenDue(Journal journal, Map<Long, Integer> state, long contiguous)
            throws Exception {
        long deadline = System.nanoTime() + 20_000_000_000L;
        while (System.nanoTime() < deadline) {
            Thread.sleep(20);
            while (state.containsKey(contiguous + 1)) {
                contiguous++;
            }
            if (journal.needsSnapshot() && contiguous > journal.snapshotLsn()) {
                long upTo = contiguous;
                journal.snapshot(upTo, out -> writeState(state, upTo, new DataOutputStream(out)));
                OUT.println("S " + upTo);
            }
        }
        journal.close();
        System.exit(0);
    }
}
