package io.bucketfs.smb.server;

import io.bucketfs.smb.mssmb2.NtStatus;
import io.bucketfs.smb.mssmb2.Request;
import io.bucketfs.smb.mssmb2.Smb2Header;
import io.bucketfs.smb.mssmb2.SmbProtocolException;
import io.bucketfs.vfs.Caller;
import io.bucketfs.vfs.ReadResult;
import io.bucketfs.vfs.Stability;
import io.bucketfs.vfs.Vfs;
import io.bucketfs.vfs.VfsException;
import io.bucketfs.vfs.lock.LockResult;
import io.netty.buffer.ByteBuf;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.security.SecureRandom;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The file system controls of [MS-SMB2] 3.3.5.15 IOCTL that act on a file open:
 * <ul>
 *   <li>3.3.5.15.5 FSCTL_SRV_REQUEST_RESUME_KEY and 3.3.5.15.6 FSCTL_SRV_COPYCHUNK / COPYCHUNK_WRITE:
 *       server-side copy (Windows Explorer, robocopy) over the VFS, each chunk read from the source open and
 *       written to the destination open, under the same byte-range lock rules as READ and WRITE;</li>
 *   <li>[MS-FSCC] 2.3.12/2.3.67 FSCTL_GET/SET_COMPRESSION: the store does not compress, so files report
 *       COMPRESSION_FORMAT_NONE and only that format may be set.</li>
 * </ul>
 * Sparse-file controls (SET_SPARSE, SET_ZERO_DATA, QUERY_ALLOCATED_RANGES) are in {@link SparseFsctls}. Each
 * handler writes the complete IOCTL response ({@link #respond}); an error status without a body becomes the
 * generic error response.
 */
final class FsctlCommands {
    private static final Logger LOG = LoggerFactory.getLogger(FsctlCommands.class);
    static final int FSCTL_SRV_REQUEST_RESUME_KEY = 0x00140078;
    static final int FSCTL_SRV_COPYCHUNK = 0x001440F2;
    static final int FSCTL_SRV_COPYCHUNK_WRITE = 0x001480F2;
    static final int FSCTL_GET_COMPRESSION = 0x0009003C;
    static final int FSCTL_SET_COMPRESSION = 0x0009C040;
    static final int FSCTL_GET_OBJECT_ID = 0x0009009C;
    static final int FSCTL_CREATE_OR_GET_OBJECT_ID = 0x000900C0;
    /** [MS-FSCC] 2.1.3.1 FILE_OBJECTID_BUFFER (type 1): ObjectId, BirthVolumeId, BirthObjectId, DomainId. */
    static final int OBJECTID_BUFFER_SIZE = 64;
    /** [MS-SMB2] 2.2.31 Flags: the request is an FSCTL (the only kind the server handles). */
    static final int SMB2_0_IOCTL_IS_FSCTL = 1;
    /** [MS-SMB2] 3.3.1.5 ServerSideCopyMaxNumberofChunks: {@value}. */
    static final int MAX_CHUNKS = 256;
    /** [MS-SMB2] 3.3.1.5 ServerSideCopyMaxChunkSize: {@value} bytes. */
    static final int MAX_CHUNK_BYTES = 1 << 20;
    /** [MS-SMB2] 3.3.1.5 ServerSideCopyMaxDataSize: {@value} bytes. */
    static final int MAX_COPY_BYTES = 16 << 20;
    /** [MS-SMB2] 2.2.32.1 SRV_COPYCHUNK_RESPONSE: ChunksWritten, ChunkBytesWritten, TotalBytesWritten. */
    private static final int COPYCHUNK_RESPONSE_SIZE = 12;
    /** [MS-SMB2] 2.2.32.3 SRV_REQUEST_RESUME_KEY: ResumeKey (24), ContextLength (4), 4 bytes of empty Context. */
    private static final int RESUME_KEY_RESPONSE_SIZE = 32;
    private static final int RESUME_KEY_SIZE = 24;
    /** [MS-SMB2] 2.2.31.1 SRV_COPYCHUNK_COPY: SourceKey (24), ChunkCount (4), Reserved (4), then the chunks. */
    private static final int COPYCHUNK_HEADER_SIZE = 32;
    private static final int CHUNK_SIZE = 24;
    /** [MS-FSCC] 2.3.12 COMPRESSION_FORMAT_NONE. */
    private static final int COMPRESSION_FORMAT_NONE = 0;
    /** [MS-FSCC] 2.3.67 the highest defined CompressionState (COMPRESSION_FORMAT_LZNT1). */
    private static final int COMPRESSION_FORMAT_LZNT1 = 2;
    // [MS-SMB2] 2.2.13.1.1 file access bits
    private static final int FILE_READ_DATA = 0x1;
    private static final int FILE_WRITE_DATA = 0x2;
    private static final int FILE_EXECUTE = 0x20;
    private static final int MAXIMUM_ALLOWED = 0x02000000;
    private static final int GENERIC_ALL = 0x10000000;
    private static final int GENERIC_EXECUTE = 0x20000000;
    private static final int GENERIC_WRITE = 0x40000000;
    private static final int GENERIC_READ = 0x80000000;
    /** Access that lets an open read data ([MS-FSA] 2.1.5.2: FILE_READ_DATA or FILE_EXECUTE). */
    static final int READ_ACCESS = FILE_READ_DATA | FILE_EXECUTE | GENERIC_READ | GENERIC_EXECUTE | GENERIC_ALL
            | MAXIMUM_ALLOWED;
    /** FILE_READ_DATA itself, which COPYCHUNK (unlike COPYCHUNK_WRITE) needs on the destination. */
    static final int READ_DATA_ACCESS = FILE_READ_DATA | GENERIC_READ | GENERIC_ALL | MAXIMUM_ALLOWED;
    /** Access that lets an open write data. */
    static final int WRITE_ACCESS = FILE_WRITE_DATA | GENERIC_WRITE | GENERIC_ALL | MAXIMUM_ALLOWED;

    /** Makes resume keys unguessable across server runs; a key names an open of the requesting session only. */
    private final long keySecret = new SecureRandom().nextLong();
    private final SparseFsctls sparse = new SparseFsctls();

    /** Whether this class handles an FSCTL code (the dispatcher answers the others). */
    static boolean handles(int code) {
        return switch (code) {
            case FSCTL_SRV_REQUEST_RESUME_KEY, FSCTL_SRV_COPYCHUNK, FSCTL_SRV_COPYCHUNK_WRITE, FSCTL_GET_COMPRESSION,
                    FSCTL_SET_COMPRESSION, FSCTL_GET_OBJECT_ID, FSCTL_CREATE_OR_GET_OBJECT_ID -> true;
            default -> SparseFsctls.handles(code);
        };
    }

    /** Runs one FSCTL of {@link #handles}; the request's fixed part has been checked by the dispatcher. */
    int handle(Exchange x, int code) throws SmbProtocolException, VfsException {
        Request r = x.req;
        if ((r.body32(48) & SMB2_0_IOCTL_IS_FSCTL) == 0) {
            return NtStatus.NOT_SUPPORTED;
        }
        Open o = x.open(8);
        FileCommands.vfs(o.tree);
        return switch (code) {
            case FSCTL_SRV_REQUEST_RESUME_KEY -> resumeKey(x, o);
            case FSCTL_SRV_COPYCHUNK, FSCTL_SRV_COPYCHUNK_WRITE -> copyChunk(x, o, code);
            case FSCTL_GET_COMPRESSION -> getCompression(x, o);
            case FSCTL_SET_COMPRESSION -> setCompression(x, o);
            case FSCTL_GET_OBJECT_ID, FSCTL_CREATE_OR_GET_OBJECT_ID -> objectId(x, o);
            default -> sparse.handle(x, o, code);
        };
    }

    /** The FSCTL's input buffer ([MS-SMB2] 2.2.31 InputOffset/InputCount). */
    static byte[] input(Exchange x) throws SmbProtocolException {
        return x.req.bytes(x.req.bodyU32(24), x.req.bodyU32(28));
    }

    /** The client's MaxOutputResponse. */
    static long maxOutput(Exchange x) throws SmbProtocolException {
        return x.req.bodyU32(44);
    }

    /** Writes an IOCTL response ([MS-SMB2] 2.2.32) carrying {@code output} (may be empty) and returns status. */
    static int respond(Exchange x, int status, byte[] output) throws SmbProtocolException {
        Request r = x.req;
        ByteBuf out = x.out;
        int bufferOffset = Smb2Header.SIZE + 48;
        out.writeShortLE(49).writeShortLE(0).writeIntLE(r.body32(4));
        out.writeLongLE(r.body64(8)).writeLongLE(r.body64(16));
        out.writeIntLE(bufferOffset).writeIntLE(0);
        out.writeIntLE(output.length == 0 ? 0 : bufferOffset).writeIntLE(output.length);
        out.writeIntLE(0).writeIntLE(0);
        out.writeBytes(output);
        return status;
    }

    static ByteBuffer le(int size) {
        return ByteBuffer.allocate(size).order(ByteOrder.LITTLE_ENDIAN);
    }

    private int resumeKey(Exchange x, Open o) throws SmbProtocolException {
        if (maxOutput(x) < RESUME_KEY_RESPONSE_SIZE) {
            return NtStatus.INVALID_PARAMETER;
        }
        ByteBuffer b = le(RESUME_KEY_RESPONSE_SIZE);
        b.putLong(o.id).putLong(x.session.id).putLong(check(o.id, x.session.id)).putInt(0).putInt(0);
        return respond(x, NtStatus.SUCCESS, b.array());
    }

    private long check(long openId, long sessionId) {
        long h = keySecret ^ (openId * 0x9E3779B97F4A7C15L) ^ Long.rotateLeft(sessionId, 29);
        h ^= h >>> 31;
        h *= 0xBF58476D1CE4E5B9L;
        return h ^ (h >>> 29);
    }

    /** The open a resume key names, if it is an open of this session that is still open; else null. */
    private Open source(Exchange x, ByteBuffer key) {
        long openId = key.getLong(0);
        long sessionId = key.getLong(8);
        if (sessionId != x.session.id || key.getLong(16) != check(openId, sessionId)) {
            return null;
        }
        return x.session.opens.get(openId);
    }

    private record Chunk(long sourceOffset, long targetOffset, long length) {
    }

    /** [MS-SMB2] 3.3.5.15.6. */
    private int copyChunk(Exchange x, Open dest, int code) throws SmbProtocolException, VfsException {
        byte[] in = input(x);
        ByteBuffer b = ByteBuffer.wrap(in).order(ByteOrder.LITTLE_ENDIAN);
        Open src = in.length >= RESUME_KEY_SIZE ? source(x, b.slice(0, RESUME_KEY_SIZE).order(ByteOrder.LITTLE_ENDIAN))
                : null;
        if (src == null) {
            return NtStatus.OBJECT_NAME_NOT_FOUND;
        }
        if (maxOutput(x) < COPYCHUNK_RESPONSE_SIZE) {
            // [MS-SMB2] 3.3.4.4: INVALID_PARAMETER of a copy is an IOCTL response, here without room for output
            return respond(x, NtStatus.INVALID_PARAMETER, new byte[0]);
        }
        long count = in.length >= COPYCHUNK_HEADER_SIZE ? Integer.toUnsignedLong(b.getInt(24)) : -1;
        if (count < 0 || count > MAX_CHUNKS || in.length < COPYCHUNK_HEADER_SIZE + count * CHUNK_SIZE) {
            return limits(x);
        }
        Chunk[] chunks = new Chunk[(int) count];
        long total = 0;
        for (int i = 0; i < count; i++) {
            int at = COPYCHUNK_HEADER_SIZE + i * CHUNK_SIZE;
            long length = Integer.toUnsignedLong(b.getInt(at + 16));
            if (length == 0 || length > MAX_CHUNK_BYTES) {
                return limits(x);
            }
            long sourceOffset = b.getLong(at);
            long targetOffset = b.getLong(at + 8);
            if (sourceOffset < 0 || targetOffset < 0 || sourceOffset > Long.MAX_VALUE - length
                    || targetOffset > Long.MAX_VALUE - length) {
                // beyond the largest file offset (2^63 - 1): no file has such bytes
                return limits(x);
            }
            total += length;
            chunks[i] = new Chunk(sourceOffset, targetOffset, length);
        }
        if (total > MAX_COPY_BYTES) {
            return limits(x);
        }
        if (src.directory || dest.directory) {
            return NtStatus.INVALID_DEVICE_REQUEST;
        }
        if ((dest.access & WRITE_ACCESS) == 0
                || (code == FSCTL_SRV_COPYCHUNK && (dest.access & READ_DATA_ACCESS) == 0)
                || (src.access & READ_ACCESS) == 0) {
            LOG.debug("COPYCHUNK {} -> {}: access denied", src.path, dest.path);
            return NtStatus.ACCESS_DENIED;
        }
        return copy(x, src, dest, chunks);
    }

    /**
     * [MS-SMB2] 3.3.5.15.6.2: STATUS_INVALID_PARAMETER with the server's limits in the response (an IOCTL
     * response, not an error response: 3.3.4.4).
     */
    private static int limits(Exchange x) throws SmbProtocolException {
        ByteBuffer b = le(COPYCHUNK_RESPONSE_SIZE).putInt(MAX_CHUNKS).putInt(MAX_CHUNK_BYTES).putInt(MAX_COPY_BYTES);
        return respond(x, NtStatus.INVALID_PARAMETER, b.array());
    }

    /**
     * Copies the chunks in order, each read whole before it is written (so overlapping ranges of one file copy
     * as if through a buffer). Stops at the first failure; the response counts what was written
     * ([MS-SMB2] 3.3.5.15.6.1). A source range beyond the source's end is STATUS_INVALID_VIEW_SIZE.
     */
    private static int copy(Exchange x, Open src, Open dest, Chunk[] chunks) throws SmbProtocolException,
            VfsException {
        Vfs srcVfs = src.tree.share().vfs();
        Vfs destVfs = dest.tree.share().vfs();
        Caller caller = FileCommands.caller(x);
        int written = 0;
        long total = 0;
        int status = NtStatus.SUCCESS;
        for (Chunk c : chunks) {
            status = ioConflict(srcVfs, src, c.sourceOffset(), c.length(), false);
            if (status == NtStatus.SUCCESS) {
                status = ioConflict(destVfs, dest, c.targetOffset(), c.length(), true);
            }
            if (status != NtStatus.SUCCESS) {
                break;
            }
            ByteBuffer data = ByteBuffer.allocate((int) c.length());
            while (data.hasRemaining()) {
                int before = data.position();
                ReadResult res = srcVfs.read(caller, src.handle, c.sourceOffset() + before, data);
                if (data.position() == before && res.count() > 0) {
                    data.position(before + res.count());
                }
                if (res.count() == 0 || res.eof()) {
                    break;
                }
            }
            if (data.hasRemaining()) {
                status = NtStatus.INVALID_VIEW_SIZE;
                break;
            }
            data.flip();
            dest.unflushed = true;
            destVfs.write(caller, dest.handle, c.targetOffset(), data, Stability.UNSTABLE);
            written++;
            total += c.length();
        }
        LOG.debug("COPYCHUNK {} -> {}: {} chunks, {} bytes, status {}", src.path, dest.path, written, total,
                NtStatus.hex(status));
        ByteBuffer b = le(COPYCHUNK_RESPONSE_SIZE).putInt(written).putInt(0).putInt((int) total);
        return respond(x, status, b.array());
    }

    /** The READ/WRITE mandatory-lock check ([MS-FSA] 2.1.4.10) of an open's range. */
    static int ioConflict(Vfs vfs, Open o, long offset, long length, boolean write) {
        LockResult res = vfs.locks().checkIo(o.handle.fileId(), o.owner, offset, length, write);
        if (res.isSuccess()) {
            return NtStatus.SUCCESS;
        }
        LOG.debug("FSCTL {} of {} at {}+{}: {}", write ? "write" : "read", o.path, Long.toUnsignedString(offset),
                length, res.status());
        return SmbStatus.of(res.status());
    }

    /** [MS-FSCC] 2.3.12: always COMPRESSION_FORMAT_NONE. */
    private static int getCompression(Exchange x, Open o) throws SmbProtocolException {
        if (maxOutput(x) < 2) {
            return NtStatus.INVALID_PARAMETER;
        }
        return respond(x, NtStatus.SUCCESS, le(2).putShort((short) COMPRESSION_FORMAT_NONE).array());
    }

    /** [MS-FSCC] 2.3.67: NONE is accepted (nothing is compressed); other formats are not supported. */
    private static int setCompression(Exchange x, Open o) throws SmbProtocolException {
        byte[] in = input(x);
        if (in.length < 2) {
            return NtStatus.INVALID_PARAMETER;
        }
        int format = (in[0] & 0xFF) | (in[1] & 0xFF) << 8;
        if (format > COMPRESSION_FORMAT_LZNT1) {
            return NtStatus.INVALID_PARAMETER;
        }
        if (format != COMPRESSION_FORMAT_NONE) {
            return NtStatus.NOT_SUPPORTED;
        }
        return respond(x, NtStatus.SUCCESS, new byte[0]);
    }

    /**
     * [MS-FSA] 2.1.5.10.1 FSCTL_CREATE_OR_GET_OBJECT_ID and 2.1.5.10.13 FSCTL_GET_OBJECT_ID: every file already has
     * an object id, made of its stable file id (FileInternalInformation's) and the share's volume GUID, so both
     * return it and nothing is stored; like the file id it survives renames and restarts. BirthVolumeId is the
     * volume's GUID, BirthObjectId the object id, DomainId empty ([MS-FSCC] 2.1.3.1).
     */
    static int objectId(Exchange x, Open o) throws SmbProtocolException {
        if (maxOutput(x) < OBJECTID_BUFFER_SIZE) {
            return NtStatus.INVALID_PARAMETER;
        }
        java.util.UUID volume = o.tree.share().volumeId();
        ByteBuffer b = le(OBJECTID_BUFFER_SIZE);
        b.putLong(o.handle.fileId()).putLong(volume.getLeastSignificantBits()); // ObjectId
        b.putLong(volume.getMostSignificantBits()).putLong(volume.getLeastSignificantBits()); // BirthVolumeId
        b.putLong(o.handle.fileId()).putLong(volume.getLeastSignificantBits()); // BirthObjectId; DomainId: zero
        return respond(x, NtStatus.SUCCESS, b.array());
    }
}
