package io.bucketfs.vfs.core;

import io.bucketfs.vfs.FileType;
import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.DataInputStream;
import java.io.DataOutputStream;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.time.Instant;

/**
 * The journal records of the namespace, and their binary form. Each record states a result, not a step, so
 * replaying one twice leaves the same state (idempotent replay).
 *
 * <pre>
 *   EPOCH    generation                          the namespace's handle generation (first record)
 *   INODE    the full state of one inode          created, learned from the bucket, or changed
 *   FORGET   inode id                             removed (here or found gone from the bucket)
 *   KEYOP    id, kind, source key, target key, if-match   background work on the bucket, see {@link KeyOp}
 *   KEYDONE  id                                   that work is done
 *   COUNTERS next inode id, next op id            in snapshots: ids of forgotten inodes are never reused
 *   PART     group id, index, last?, records      one piece of an operation's records, see {@link Part}
 * </pre>
 */
sealed interface NsRecord {

    byte EPOCH = 1;
    byte INODE = 2;
    byte FORGET = 3;
    byte KEYOP = 4;
    byte KEYDONE = 5;
    byte COUNTERS = 6;
    byte PART = 7;

    /**
     * The records of one namespace operation that changes more than one record's worth (a rename: the moved inode,
     * both directories, the bucket work), written as one or more parts of a group, so that a crash in the middle of
     * writing them can be told: replay applies a group only when its {@code last} part is there, and drops a torn
     * group (the operation was never acknowledged). Parts of a group are contiguous in the journal (they are
     * appended under the namespace write lock); {@code group} is random, {@code index} counts from 0.
     */
    record Part(long group, int index, boolean last, java.util.List<NsRecord> records) implements NsRecord {
    }

    record Counters(long nextId, long nextOpId) implements NsRecord {
    }

    record Epoch(long generation) implements NsRecord {
    }

    record InodeState(long id, FileType type, long parentId, String name, int mode, int uid, int gid, long size,
                      Instant atime, Instant mtime, Instant ctime, Instant btime, int dos, long change, String etag,
                      String dataKey, String symlinkTarget, long createVerifier, boolean marker) implements NsRecord {

        static InodeState of(Inode i) {
            return new InodeState(i.id, i.type, i.parentId, i.name, i.mode, i.uid, i.gid, i.size, i.atime, i.mtime,
                    i.ctime, i.btime, i.dos, i.change, i.etag, i.dataKey, i.symlinkTarget, i.createVerifier, i.marker);
        }
    }

    record Forget(long id) implements NsRecord {
    }

    /**
     * Background work on the bucket, applied in journal order by the {@code Mover}, idempotently (each kind can be
     * redone after a crash):
     * <ul>
     *   <li>{@code MOVE}: copy {@code source} to {@code target} (if {@code source} still has ETag {@code ifMatch}),
     *       then delete {@code source}; a missing source means it was done already.</li>
     *   <li>{@code MOVE_PREFIX}: MOVE every key under the prefix {@code source} to the same name under
     *       {@code target} (a directory rename).</li>
     *   <li>{@code DELETE}: delete {@code source} (if it still has ETag {@code ifMatch}, when given).</li>
     *   <li>{@code MARKER}: write the directory marker {@code target} with the inode {@code inodeId}'s
     *       attributes as metadata (mkdir, directory setattr).</li>
     *   <li>{@code META}: replace the metadata of file {@code target} with inode {@code inodeId}'s attributes by a
     *       copy onto itself (if it still has ETag {@code ifMatch}; a file changed since is left alone).</li>
     * </ul>
     */
    record KeyOp(long opId, Kind kind, String source, String target, String ifMatch, long inodeId)
            implements NsRecord {

        enum Kind { MOVE, MOVE_PREFIX, DELETE, MARKER, META }
    }

    record KeyDone(long opId) implements NsRecord {
    }

    static byte[] encode(NsRecord r) {
        ByteArrayOutputStream bytes = new ByteArrayOutputStream(128);
        try (DataOutputStream out = new DataOutputStream(bytes)) {
            if (r instanceof Epoch e) {
                out.writeByte(EPOCH);
                out.writeLong(e.generation);
            } else if (r instanceof InodeState s) {
                out.writeByte(INODE);
                writeInode(out, s);
            } else if (r instanceof Forget f) {
                out.writeByte(FORGET);
                out.writeLong(f.id);
            } else if (r instanceof KeyOp k) {
                out.writeByte(KEYOP);
                out.writeLong(k.opId);
                out.writeByte(k.kind.ordinal());
                writeNullable(out, k.source);
                writeNullable(out, k.target);
                writeNullable(out, k.ifMatch);
                out.writeLong(k.inodeId);
            } else if (r instanceof KeyDone d) {
                out.writeByte(KEYDONE);
                out.writeLong(d.opId);
            } else if (r instanceof Part p) {
                out.writeByte(PART);
                out.writeLong(p.group);
                out.writeInt(p.index);
                out.writeBoolean(p.last);
                out.writeInt(p.records.size());
                for (NsRecord sub : p.records) {
                    byte[] b = encode(sub);
                    out.writeInt(b.length);
                    out.write(b);
                }
            } else if (r instanceof Counters c) {
                out.writeByte(COUNTERS);
                out.writeLong(c.nextId);
                out.writeLong(c.nextOpId);
            }
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        return bytes.toByteArray();
    }

    static NsRecord decode(byte[] b) throws IOException {
        DataInputStream in = new DataInputStream(new ByteArrayInputStream(b));
        byte kind = in.readByte();
        switch (kind) {
            case EPOCH:
                return new Epoch(in.readLong());
            case INODE:
                return readInode(in);
            case FORGET:
                return new Forget(in.readLong());
            case KEYOP:
                return new KeyOp(in.readLong(), KeyOp.Kind.values()[in.readByte()], readNullable(in),
                        readNullable(in), readNullable(in), in.readLong());
            case KEYDONE:
                return new KeyDone(in.readLong());
            case COUNTERS:
                return new Counters(in.readLong(), in.readLong());
            case PART: {
                long group = in.readLong();
                int index = in.readInt();
                boolean last = in.readBoolean();
                int n = in.readInt();
                if (n < 0 || n > b.length) {
                    throw new IOException("a group part of " + n + " records in " + b.length + " bytes");
                }
                java.util.List<NsRecord> records = new java.util.ArrayList<>(n);
                for (int k = 0; k < n; k++) {
                    int len = in.readInt();
                    if (len < 1 || len > b.length) {
                        throw new IOException("a record of " + len + " bytes in a part of " + b.length);
                    }
                    byte[] sub = new byte[len];
                    in.readFully(sub);
                    records.add(decode(sub));
                }
                return new Part(group, index, last, records);
            }
            default:
                throw new IOException("unknown namespace record kind " + kind);
        }
    }

    private static void writeInode(DataOutputStream out, InodeState s) throws IOException {
        out.writeLong(s.id);
        out.writeByte(s.type.ordinal());
        out.writeLong(s.parentId);
        out.writeUTF(s.name);
        out.writeInt(s.mode);
        out.writeInt(s.uid);
        out.writeInt(s.gid);
        out.writeLong(s.size);
        writeTime(out, s.atime);
        writeTime(out, s.mtime);
        writeTime(out, s.ctime);
        writeTime(out, s.btime);
        out.writeInt(s.dos);
        out.writeLong(s.change);
        writeNullable(out, s.etag);
        writeNullable(out, s.dataKey);
        writeNullable(out, s.symlinkTarget);
        out.writeLong(s.createVerifier);
        out.writeBoolean(s.marker);
    }

    private static InodeState readInode(DataInputStream in) throws IOException {
        return new InodeState(in.readLong(), FileType.values()[in.readByte()], in.readLong(), in.readUTF(),
                in.readInt(), in.readInt(), in.readInt(), in.readLong(), readTime(in), readTime(in), readTime(in),
                readTime(in), in.readInt(), in.readLong(), readNullable(in), readNullable(in), readNullable(in),
                in.readLong(), in.readBoolean());
    }

    private static void writeTime(DataOutputStream out, Instant t) throws IOException {
        out.writeLong(t.getEpochSecond());
        out.writeInt(t.getNano());
    }

    private static Instant readTime(DataInputStream in) throws IOException {
        return Instant.ofEpochSecond(in.readLong(), in.readInt());
    }

    private static void writeNullable(DataOutputStream out, String s) throws IOException {
        out.writeBoolean(s != null);
        if (s != null) {
            out.writeUTF(s);
        }
    }

    private static String readNullable(DataInputStream in) throws IOException {
        return in.readBoolean() ? in.readUTF() : null;
    }
}
