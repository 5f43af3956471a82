package io.bucketfs.vfs.core;

import java.io.ByteArrayOutputStream;
import java.io.DataInputStream;
import java.io.DataOutputStream;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.ArrayList;
import java.util.List;

/**
 * The calls of the WRITE operation a {@link VfsCrashChild} is about to issue, saved before its {@code BEGIN} line,
 * so that {@link VfsCrashTest} can tell a legitimate partial outcome from a corruption when a kill catches the WRITE
 * in flight. A WRITE is several UNSTABLE {@code vfs.write} calls and a commit (or one FILE_SYNC/DATA_SYNC call); until
 * the commit returns, the server may have made any of those calls stable (NFS UNSTABLE/COMMIT semantics). The VFS
 * does: an upload of the last committed generation that begins between two calls freezes the staged file as it is
 * then ({@code Staged.beginUpload} takes the live size and extents; {@code FileData.protectCommitted} holds back only
 * overwrites of committed bytes, not appends), and {@code FileData.uploaded} journals that version; a pending
 * rename's {@code Staged.finishRetargets} likewise commits the file as it is. So after the crash the file may be the
 * content before the operation with any subset of its calls applied, in their order.
 *
 * <p>{@link #check} accepts exactly that, byte by byte: every byte is the old content's byte (zero past the old end)
 * or the byte of a call that covers it, and the size is the old size or the end of a call past it.
 *
 * @param seq   the operation's sequence number (the file may hold a later WRITE whose BEGIN the kill prevented)
 * @param old   the file's content before the operation (the acknowledged content)
 * @param calls the calls in issue order
 */
record InFlightWrite(long seq, byte[] old, List<Call> calls) {

    /** One {@code vfs.write}: its file offset and its bytes. */
    record Call(long offset, byte[] bytes) {

        long end() {
            return offset + bytes.length;
        }
    }

    /** The file next to a child's lines file. */
    static Path fileFor(Path lines) {
        return lines.resolveSibling(lines.getFileName() + ".inflight");
    }

    /** Writes the operation (to a temporary file, then renamed over the previous one). */
    static void save(Path file, long seq, byte[] old, List<Long> offsets, List<ByteBuffer> calls) throws IOException {
        ByteArrayOutputStream bytes = new ByteArrayOutputStream(old.length + 64 * 1024);
        try (DataOutputStream out = new DataOutputStream(bytes)) {
            out.writeLong(seq);
            out.writeInt(old.length);
            out.write(old);
            out.writeInt(calls.size());
            for (int k = 0; k < calls.size(); k++) {
                ByteBuffer b = calls.get(k).duplicate();
                out.writeLong(offsets.get(k));
                out.writeInt(b.remaining());
                out.write(b.array(), b.arrayOffset() + b.position(), b.remaining());
            }
        }
        Path tmp = file.resolveSibling(file.getFileName() + ".tmp");
        Files.write(tmp, bytes.toByteArray());
        Files.move(tmp, file, StandardCopyOption.REPLACE_EXISTING, StandardCopyOption.ATOMIC_MOVE);
    }

    /** The saved operation, or null if there is none. */
    static InFlightWrite load(Path file) throws IOException {
        if (!Files.exists(file)) {
            return null;
        }
        try (DataInputStream in = new DataInputStream(Files.newInputStream(file))) {
            long seq = in.readLong();
            byte[] old = in.readNBytes(in.readInt());
            int n = in.readInt();
            List<Call> calls = new ArrayList<>(n);
            for (int k = 0; k < n; k++) {
                long offset = in.readLong();
                calls.add(new Call(offset, in.readNBytes(in.readInt())));
            }
            return new InFlightWrite(seq, old, calls);
        }
    }

    /** Null if {@code seen} is the old content with some subset of the calls applied; else what is wrong. */
    String check(byte[] seen) {
        boolean sizeOk = seen.length == old.length;
        for (Call c : calls) {
            sizeOk |= c.end() > old.length && seen.length == c.end();
        }
        if (!sizeOk) {
            return "size " + seen.length + " is neither the old size " + old.length + " nor the end of a call past it";
        }
        for (int p = 0; p < seen.length; p++) {
            byte b = seen[p];
            if (b == (p < old.length ? old[p] : 0)) {
                continue;
            }
            boolean covered = false;
            for (Call c : calls) {
                if (p >= c.offset() && p < c.end() && c.bytes()[(int) (p - c.offset())] == b) {
                    covered = true;
                    break;
                }
            }
            if (!covered) {
                return "byte " + p + " is neither the old content's nor that of a call covering it; " + describe(seen);
            }
        }
        return null;
    }

    /** Per call: whether the seen file has its bytes, the old bytes there, or neither. */
    String describe(byte[] seen) {
        StringBuilder sb = new StringBuilder("old size " + old.length + ", seen size " + seen.length + ", calls:");
        for (Call c : calls) {
            sb.append(" [").append(c.offset()).append(',').append(c.end()).append(")=");
            boolean mine = c.end() <= seen.length;
            boolean before = true;
            for (int k = 0; k < c.bytes().length; k++) {
                long p = c.offset() + k;
                byte b = p < seen.length ? seen[(int) p] : 0;
                mine &= p < seen.length && b == c.bytes()[k];
                before &= p >= seen.length ? p >= old.length : b == (p < old.length ? old[(int) p] : 0);
            }
            sb.append(mine ? "applied" : before ? "not applied" : "mixed");
        }
        return sb.toString();
    }
}
