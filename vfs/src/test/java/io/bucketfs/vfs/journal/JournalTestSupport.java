package io.bucketfs.vfs.journal;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.nio.ByteBuffer;
import java.nio.file.DirectoryStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;

/** Shared helpers for the journal tests. */
final class JournalTestSupport {
    private JournalTestSupport() {
    }

    /** Small segments so that a few hundred records span several files. */
    static JournalSettings small() {
        return JournalSettings.defaults().withMaxRecordBytes(1024).withSegmentBytes(4096);
    }

    /** A deterministic payload for record number {@code n}. */
    static byte[] payload(long n, int length) {
        byte[] b = new byte[length];
        new Random(n * 31 + length).nextBytes(b);
        return b;
    }

    /** A replay that remembers the snapshot and every record, in delivery order. */
    static final class Recorder implements Replay {
        final Map<Long, byte[]> records = new LinkedHashMap<>();
        final List<Long> order = new ArrayList<>();
        long snapshotLsn = -1;
        byte[] snapshot;

        @Override
        public void restore(long lsn, InputStream state) throws IOException {
            if (snapshot != null) {
                throw new AssertionError("restore called twice");
            }
            if (!records.isEmpty()) {
                throw new AssertionError("restore after a record");
            }
            snapshotLsn = lsn;
            ByteArrayOutputStream out = new ByteArrayOutputStream();
            state.transferTo(out);
            snapshot = out.toByteArray();
        }

        @Override
        public void apply(long lsn, byte[] payload) {
            order.add(lsn);
            records.put(lsn, payload);
        }
    }

    static List<Path> files(Path dir, String glob) throws IOException {
        List<Path> out = new ArrayList<>();
        try (DirectoryStream<Path> s = Files.newDirectoryStream(dir, glob)) {
            s.forEach(out::add);
        }
        out.sort(null);
        return out;
    }

    static List<Path> segments(Path dir) throws IOException {
        return files(dir, "log-*.seg");
    }

    /** Byte offsets of every record in a segment file (parsed independently of the journal's reader). */
    static List<Long> recordOffsets(Path segment) throws IOException {
        ByteBuffer b = ByteBuffer.wrap(Files.readAllBytes(segment));
        List<Long> offsets = new ArrayList<>();
        int pos = SegmentFormat.SEGMENT_HEADER_BYTES;
        while (pos + SegmentFormat.RECORD_HEADER_BYTES <= b.limit()) {
            offsets.add((long) pos);
            pos += SegmentFormat.RECORD_HEADER_BYTES + b.getInt(pos);
        }
        return offsets;
    }

    /** Flips one byte of a file in place. */
    static void flip(Path file, long offset) throws IOException {
        byte[] all = Files.readAllBytes(file);
        all[(int) offset] ^= 0x5A;
        Files.write(file, all);
    }

    /** Cuts a file to {@code length} bytes. */
    static void cut(Path file, long length) throws IOException {
        byte[] all = Files.readAllBytes(file);
        byte[] kept = new byte[(int) length];
        System.arraycopy(all, 0, kept, 0, kept.length);
        Files.write(file, kept);
    }
}
