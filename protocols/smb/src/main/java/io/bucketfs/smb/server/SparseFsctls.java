package io.bucketfs.smb.server;

import io.bucketfs.smb.mssmb2.NtStatus;
import io.bucketfs.smb.mssmb2.SmbProtocolException;
import io.bucketfs.vfs.Attr;
import io.bucketfs.vfs.Caller;
import io.bucketfs.vfs.DosAttributes;
import io.bucketfs.vfs.SetAttr;
import io.bucketfs.vfs.Stability;
import io.bucketfs.vfs.Vfs;
import io.bucketfs.vfs.VfsException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The sparse-file FSCTLs ([MS-FSCC] 2.3, with the object store rules of [MS-FSA] 2.1.5.10). Objects keep no
 * holes, so:
 * <ul>
 *   <li>FSCTL_SET_SPARSE sets or clears the file's {@link DosAttributes#SPARSE_FILE} flag and nothing else;</li>
 *   <li>FSCTL_SET_ZERO_DATA writes zeros over the part of the range inside the file (it never extends it), as
 *       NFS DEALLOCATE does, under the WRITE lock rules;</li>
 *   <li>FSCTL_QUERY_ALLOCATED_RANGES answers the part of the queried range inside the file as one allocated
 *       range.</li>
 * </ul>
 */
final class SparseFsctls {
    private static final Logger LOG = LoggerFactory.getLogger(SparseFsctls.class);
    static final int FSCTL_SET_SPARSE = 0x000900C4;
    static final int FSCTL_SET_ZERO_DATA = 0x000980C8;
    static final int FSCTL_QUERY_ALLOCATED_RANGES = 0x000940CF;
    /** [MS-FSCC] 2.3.33/2.3.67 FILE_ZERO_DATA_INFORMATION and 2.3.51 FILE_ALLOCATED_RANGE_BUFFER: two 64-bit values. */
    private static final int RANGE_SIZE = 16;
    private static final int ZERO_CHUNK = 1 << 20;
    // [MS-SMB2] 2.2.13.1.1 file access bits
    private static final int FILE_WRITE_DATA = 0x2;
    private static final int FILE_APPEND_DATA = 0x4;
    private static final int FILE_WRITE_ATTRIBUTES = 0x100;
    /** [MS-FSA] 2.1.5.10.35: FSCTL_SET_SPARSE needs one of write data, append data, write attributes. */
    private static final int SET_SPARSE_ACCESS = FILE_WRITE_DATA | FILE_APPEND_DATA | FILE_WRITE_ATTRIBUTES
            | FsctlCommands.WRITE_ACCESS;

    static boolean handles(int code) {
        return code == FSCTL_SET_SPARSE || code == FSCTL_SET_ZERO_DATA || code == FSCTL_QUERY_ALLOCATED_RANGES;
    }

    int handle(Exchange x, Open o, int code) throws SmbProtocolException, VfsException {
        if (o.directory) {
            return NtStatus.INVALID_PARAMETER;
        }
        return switch (code) {
            case FSCTL_SET_SPARSE -> setSparse(x, o);
            case FSCTL_SET_ZERO_DATA -> zeroData(x, o);
            default -> allocatedRanges(x, o);
        };
    }

    /** [MS-FSCC] 2.3.64: an optional FILE_SET_SPARSE_BUFFER; none, or a non-zero SetSparse byte, sets the flag. */
    private static int setSparse(Exchange x, Open o) throws SmbProtocolException, VfsException {
        if ((o.access & SET_SPARSE_ACCESS) == 0) {
            return NtStatus.ACCESS_DENIED;
        }
        byte[] in = FsctlCommands.input(x);
        boolean sparse = in.length == 0 || in[0] != 0;
        Vfs vfs = o.tree.share().vfs();
        Caller caller = FileCommands.caller(x);
        int dos = vfs.getattr(caller, o.handle).dosAttributes();
        int want = sparse ? dos | DosAttributes.SPARSE_FILE : dos & ~DosAttributes.SPARSE_FILE;
        if (want != dos) {
            vfs.setattr(caller, o.handle, SetAttr.NONE.withDosAttributes(want), null);
        }
        return FsctlCommands.respond(x, NtStatus.SUCCESS, new byte[0]);
    }

    /** [MS-FSCC] 2.3.67 FILE_ZERO_DATA_INFORMATION: FileOffset, BeyondFinalZero. */
    private static int zeroData(Exchange x, Open o) throws SmbProtocolException, VfsException {
        byte[] in = FsctlCommands.input(x);
        if (in.length < RANGE_SIZE) {
            return NtStatus.INVALID_PARAMETER;
        }
        ByteBuffer b = ByteBuffer.wrap(in).order(ByteOrder.LITTLE_ENDIAN);
        long from = b.getLong(0);
        long beyond = b.getLong(8);
        if (from < 0 || beyond < 0 || from > beyond) {
            return NtStatus.INVALID_PARAMETER;
        }
        if ((o.access & FsctlCommands.WRITE_ACCESS) == 0) {
            return NtStatus.ACCESS_DENIED;
        }
        Vfs vfs = o.tree.share().vfs();
        int conflict = FsctlCommands.ioConflict(vfs, o, from, beyond - from, true);
        if (conflict != NtStatus.SUCCESS) {
            return conflict;
        }
        Caller caller = FileCommands.caller(x);
        long to = Math.min(beyond, vfs.getattr(caller, o.handle).size());
        if (from < to) {
            ByteBuffer zeros = ByteBuffer.allocate((int) Math.min(ZERO_CHUNK, to - from));
            for (long pos = from; pos < to; pos += zeros.capacity()) {
                ByteBuffer chunk = zeros.duplicate();
                chunk.limit((int) Math.min(chunk.capacity(), to - pos));
                o.unflushed = true;
                vfs.write(caller, o.handle, pos, chunk, Stability.UNSTABLE);
            }
            LOG.debug("ZERO_DATA {}: {} bytes at {}", o.path, to - from, from);
        }
        return FsctlCommands.respond(x, NtStatus.SUCCESS, new byte[0]);
    }

    /**
     * [MS-FSCC] 2.3.51 FILE_ALLOCATED_RANGE_BUFFER in, zero or one such range out. A range that does not fit
     * the MaxOutputResponse is STATUS_BUFFER_TOO_SMALL ([MS-FSA] 2.1.5.10.22).
     */
    private static int allocatedRanges(Exchange x, Open o) throws SmbProtocolException, VfsException {
        byte[] in = FsctlCommands.input(x);
        if (in.length < RANGE_SIZE) {
            return NtStatus.INVALID_PARAMETER;
        }
        ByteBuffer b = ByteBuffer.wrap(in).order(ByteOrder.LITTLE_ENDIAN);
        long offset = b.getLong(0);
        long length = b.getLong(8);
        if (offset < 0 || length < 0 || offset > Long.MAX_VALUE - length) {
            return NtStatus.INVALID_PARAMETER;
        }
        if ((o.access & FsctlCommands.READ_DATA_ACCESS) == 0) {
            return NtStatus.ACCESS_DENIED;
        }
        Attr a = o.tree.share().vfs().getattr(FileCommands.caller(x), o.handle);
        long end = Math.min(offset + length, a.size());
        if (offset >= end) {
            return FsctlCommands.respond(x, NtStatus.SUCCESS, new byte[0]);
        }
        if (FsctlCommands.maxOutput(x) < RANGE_SIZE) {
            return NtStatus.BUFFER_TOO_SMALL;
        }
        ByteBuffer out = FsctlCommands.le(RANGE_SIZE).putLong(offset).putLong(end - offset);
        return FsctlCommands.respond(x, NtStatus.SUCCESS, out.array());
    }
}
