package io.bucketfs.smb.server;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import com.hierynomus.msdtyp.AccessMask;
import com.hierynomus.mserref.NtStatus;
import com.hierynomus.mssmb2.SMB2CreateDisposition;
import com.hierynomus.mssmb2.SMB2Dialect;
import com.hierynomus.mssmb2.SMB2ShareAccess;
import com.hierynomus.mssmb2.SMBApiException;
import com.hierynomus.smbj.SMBClient;
import com.hierynomus.smbj.SmbConfig;
import com.hierynomus.smbj.auth.AuthenticationContext;
import com.hierynomus.smbj.share.DiskShare;
import com.hierynomus.smbj.share.File;
import io.bucketfs.backends.local.LocalDirectoryStore;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.EnumSet;
import java.util.List;
import java.util.Random;
import java.util.Set;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.function.Executable;
import org.junit.jupiter.api.io.TempDir;

/**
 * The FSCTLs of {@link FsctlCommands} through SMBJ: server-side copy ([MS-SMB2] 3.3.5.15.6) with SMBJ's own
 * remoteCopyTo and with hand-made SRV_COPYCHUNK_COPY requests for the limits, access and lock rules;
 * FSCTL_GET/SET_COMPRESSION; and the object ids of FSCTL_CREATE_OR_GET_OBJECT_ID / GET_OBJECT_ID.
 */
@Timeout(60)
class SmbjFsctlTest {
    private static final int SRV_REQUEST_RESUME_KEY = 0x00140078;
    private static final int SRV_COPYCHUNK = 0x001440F2;
    private static final int SRV_COPYCHUNK_WRITE = 0x001480F2;
    private static final int GET_COMPRESSION = 0x0009003C;
    private static final int SET_COMPRESSION = 0x0009C040;
    private static final int GET_OBJECT_ID = 0x0009009C;
    private static final int CREATE_OR_GET_OBJECT_ID = 0x000900C0;
    private static final byte[] DATA = new byte[3 << 20];

    static {
        new Random(7).nextBytes(DATA);
    }

    @TempDir
    Path tmp;
    private SmbFixture fixture;
    private final List<SMBClient> clients = new ArrayList<>();
    private DiskShare share;

    @BeforeEach
    void setUp() throws Exception {
        fixture = new SmbFixture(tmp, LocalDirectoryStore.create(Files.createDirectories(tmp.resolve("bucket"))),
                SmbSettings.DEFAULTS);
        share = connect();
        try (File f = open(share, "src.bin", AccessMask.GENERIC_ALL)) {
            f.write(DATA, 0);
        }
    }

    @AfterEach
    void tearDown() {
        clients.forEach(SMBClient::close);
        if (fixture != null) {
            fixture.close();
        }
    }

    private DiskShare connect() throws Exception {
        SMBClient client = new SMBClient(SmbConfig.builder().withDialects(SMB2Dialect.SMB_3_1_1)
                .withTimeout(30, TimeUnit.SECONDS).withSoTimeout(30, TimeUnit.SECONDS).build());
        clients.add(client);
        return (DiskShare) client.connect("127.0.0.1", fixture.port()).authenticate(
                new AuthenticationContext(SmbFixture.USER, SmbFixture.PASSWORD.toCharArray(), "WORKGROUP"))
                .connectShare("default");
    }

    private static File open(DiskShare share, String name, AccessMask... access) {
        return share.openFile(name, Set.of(access), null, SMB2ShareAccess.ALL, SMB2CreateDisposition.FILE_OPEN_IF,
                null);
    }

    private static void assertStatus(NtStatus want, Executable call) {
        SMBApiException e = assertThrows(SMBApiException.class, call);
        assertEquals(want, e.getStatus(), e.getMessage());
    }

    private static byte[] read(File f, long offset, int length) {
        byte[] b = new byte[length];
        int n = 0;
        while (n < length) {
            int got = f.read(b, offset + n, n, length - n);
            if (got <= 0) {
                break;
            }
            n += got;
        }
        return Arrays.copyOf(b, n);
    }

    private static byte[] ioctl(File f, int code, byte[] in) {
        byte[] out = f.ioctl(code, true, in, 0, in.length, 64 * 1024);
        return out == null ? new byte[0] : out; // SMBJ's answer to an empty output buffer
    }

    private static byte[] resumeKey(File src) {
        byte[] out = ioctl(src, SRV_REQUEST_RESUME_KEY, new byte[0]);
        assertEquals(32, out.length);
        return Arrays.copyOf(out, 24);
    }

    /** An SRV_COPYCHUNK_COPY ([MS-SMB2] 2.2.31.1); chunks as {source offset, target offset, length}. */
    private static byte[] copy(byte[] key, long[]... chunks) {
        ByteBuffer b = ByteBuffer.allocate(32 + 24 * chunks.length).order(ByteOrder.LITTLE_ENDIAN);
        b.put(key).putInt(chunks.length).putInt(0);
        for (long[] c : chunks) {
            b.putLong(c[0]).putLong(c[1]).putInt((int) c[2]).putInt(0);
        }
        return b.array();
    }

    private static int[] response(byte[] out) {
        ByteBuffer b = ByteBuffer.wrap(out).order(ByteOrder.LITTLE_ENDIAN);
        return new int[] {b.getInt(0), b.getInt(4), b.getInt(8)};
    }

    @Test
    void remoteCopyOfAFileLargerThanOneChunk() throws Exception {
        try (File src = open(share, "src.bin", AccessMask.GENERIC_READ);
                File dst = open(share, "dst.bin", AccessMask.GENERIC_READ, AccessMask.GENERIC_WRITE)) {
            src.remoteCopyTo(dst);
            assertArrayEquals(DATA, read(dst, 0, DATA.length + 1));
        }
    }

    @Test
    void chunksAreCopiedInOrderAndCounted() throws Exception {
        try (File src = open(share, "src.bin", AccessMask.GENERIC_READ);
                File dst = open(share, "dst.bin", AccessMask.GENERIC_READ, AccessMask.GENERIC_WRITE)) {
            byte[] key = resumeKey(src);
            byte[] out = ioctl(dst, SRV_COPYCHUNK, copy(key, new long[] {100, 0, 50}, new long[] {0, 50, 10}));
            assertArrayEquals(new int[] {2, 0, 60}, response(out));
            byte[] want = new byte[60];
            System.arraycopy(DATA, 100, want, 0, 50);
            System.arraycopy(DATA, 0, want, 50, 10);
            assertArrayEquals(want, read(dst, 0, 100));
            // source and destination may be one file, overlapping: each chunk is read before it is written
            out = ioctl(dst, SRV_COPYCHUNK, copy(resumeKey(dst), new long[] {0, 20, 40}));
            assertArrayEquals(new int[] {1, 0, 40}, response(out));
            System.arraycopy(want.clone(), 0, want, 20, 40);
            assertArrayEquals(want, read(dst, 0, 100));
        }
    }

    @Test
    void limitsAreRefusedWithInvalidParameter() throws Exception {
        try (File src = open(share, "src.bin", AccessMask.GENERIC_READ);
                File dst = open(share, "dst.bin", AccessMask.GENERIC_READ, AccessMask.GENERIC_WRITE)) {
            byte[] key = resumeKey(src);
            assertStatus(NtStatus.STATUS_INVALID_PARAMETER,
                    () -> ioctl(dst, SRV_COPYCHUNK, copy(key, new long[] {0, 0, (1 << 20) + 1})));
            assertStatus(NtStatus.STATUS_INVALID_PARAMETER,
                    () -> ioctl(dst, SRV_COPYCHUNK, copy(key, new long[] {0, 0, 0})));
            long[][] many = new long[257][];
            Arrays.fill(many, new long[] {0, 0, 1});
            assertStatus(NtStatus.STATUS_INVALID_PARAMETER, () -> ioctl(dst, SRV_COPYCHUNK, copy(key, many)));
            long[][] big = new long[17][];
            Arrays.fill(big, new long[] {0, 0, 1 << 20});
            assertStatus(NtStatus.STATUS_INVALID_PARAMETER, () -> ioctl(dst, SRV_COPYCHUNK, copy(key, big)));
            assertStatus(NtStatus.STATUS_INVALID_PARAMETER,
                    () -> ioctl(dst, SRV_COPYCHUNK, copy(key, new long[] {0, Long.MAX_VALUE - 5, 10})));
            assertStatus(NtStatus.STATUS_INVALID_PARAMETER,
                    () -> ioctl(dst, SRV_COPYCHUNK, copy(key, new long[] {-1, 0, 10})));
            assertEquals(0, dst.getFileInformation().getStandardInformation().getEndOfFile());
        }
    }

    @Test
    void unknownKeysAndOtherSessionsOpensAreNotFound() throws Exception {
        DiskShare other = connect();
        try (File foreign = open(other, "src.bin", AccessMask.GENERIC_READ);
                File dst = open(share, "dst.bin", AccessMask.GENERIC_READ, AccessMask.GENERIC_WRITE)) {
            byte[] key = resumeKey(foreign);
            assertStatus(NtStatus.STATUS_OBJECT_NAME_NOT_FOUND,
                    () -> ioctl(dst, SRV_COPYCHUNK, copy(key, new long[] {0, 0, 10})));
            byte[] forged = resumeKey(dst);
            forged[20] ^= 1;
            assertStatus(NtStatus.STATUS_OBJECT_NAME_NOT_FOUND,
                    () -> ioctl(dst, SRV_COPYCHUNK, copy(forged, new long[] {0, 0, 10})));
        }
    }

    @Test
    void accessIsChecked() throws Exception {
        try (File attrsOnly = open(share, "src.bin", AccessMask.FILE_READ_ATTRIBUTES);
                File execute = open(share, "src.bin", AccessMask.FILE_EXECUTE);
                File writeOnly = open(share, "dst.bin", AccessMask.FILE_WRITE_DATA);
                File readOnly = open(share, "dst.bin", AccessMask.FILE_READ_DATA)) {
            long[] chunk = {0, 0, 10};
            assertStatus(NtStatus.STATUS_ACCESS_DENIED,
                    () -> ioctl(writeOnly, SRV_COPYCHUNK_WRITE, copy(resumeKey(attrsOnly), chunk)));
            assertStatus(NtStatus.STATUS_ACCESS_DENIED,
                    () -> ioctl(readOnly, SRV_COPYCHUNK_WRITE, copy(resumeKey(execute), chunk)));
            // COPYCHUNK (not _WRITE) also needs read access on the destination
            assertStatus(NtStatus.STATUS_ACCESS_DENIED,
                    () -> ioctl(writeOnly, SRV_COPYCHUNK, copy(resumeKey(execute), chunk)));
            // execute access is enough to read the source ([MS-FSA] 2.1.5.2)
            byte[] out = ioctl(writeOnly, SRV_COPYCHUNK_WRITE, copy(resumeKey(execute), chunk));
            assertArrayEquals(new int[] {1, 0, 10}, response(out));
        }
    }

    @Test
    void locksOfOtherOpensStopTheCopy() throws Exception {
        try (File src = open(share, "src.bin", AccessMask.GENERIC_READ);
                File locker = open(share, "src.bin", AccessMask.GENERIC_READ);
                File dst = open(share, "dst.bin", AccessMask.GENERIC_READ, AccessMask.GENERIC_WRITE)) {
            locker.requestLock().exclusiveLock(4096, 1, true).send();
            byte[] key = resumeKey(src);
            // the first chunk is copied, the second meets the lock
            assertStatus(NtStatus.STATUS_FILE_LOCK_CONFLICT, () -> ioctl(dst, SRV_COPYCHUNK,
                    copy(key, new long[] {0, 0, 4096}, new long[] {4096, 4096, 4096})));
            assertEquals(4096, dst.getFileInformation().getStandardInformation().getEndOfFile());
            locker.requestLock().unlock(4096, 1).send();
            byte[] out = ioctl(dst, SRV_COPYCHUNK, copy(key, new long[] {4096, 4096, 4096}));
            assertArrayEquals(new int[] {1, 0, 4096}, response(out));
            assertArrayEquals(Arrays.copyOf(DATA, 8192), read(dst, 0, 8192));
        }
    }

    @Test
    void aSourceRangeBeyondTheEndIsInvalidViewSize() throws Exception {
        try (File src = open(share, "src.bin", AccessMask.GENERIC_READ);
                File dst = open(share, "dst.bin", AccessMask.GENERIC_READ, AccessMask.GENERIC_WRITE)) {
            SMBApiException e = assertThrows(SMBApiException.class, () -> ioctl(dst, SRV_COPYCHUNK,
                    copy(resumeKey(src), new long[] {DATA.length - 10, 0, 20})));
            assertEquals(0xC000001FL, e.getStatusCode());
            assertEquals(0, dst.getFileInformation().getStandardInformation().getEndOfFile());
        }
    }

    @Test
    void compressionIsReportedNoneAndOnlyNoneCanBeSet() throws Exception {
        try (File f = open(share, "src.bin", AccessMask.GENERIC_ALL)) {
            assertArrayEquals(new byte[] {0, 0}, ioctl(f, GET_COMPRESSION, new byte[0]));
            ioctl(f, SET_COMPRESSION, new byte[] {0, 0});
            assertStatus(NtStatus.STATUS_NOT_SUPPORTED, () -> ioctl(f, SET_COMPRESSION, new byte[] {1, 0}));
            assertStatus(NtStatus.STATUS_INVALID_PARAMETER,
                    () -> ioctl(f, SET_COMPRESSION, new byte[] {3, 0}));
        }
    }

    private static final int SET_SPARSE = 0x000900C4;
    private static final int SET_ZERO_DATA = 0x000980C8;
    private static final int QUERY_ALLOCATED_RANGES = 0x000940CF;

    private static byte[] range(long a, long b) {
        return ByteBuffer.allocate(16).order(ByteOrder.LITTLE_ENDIAN).putLong(a).putLong(b).array();
    }

    private static long attributes(File f) {
        return f.getFileInformation().getBasicInformation().getFileAttributes();
    }

    @Test
    void sparseFlagIsSetClearedAndKeptBySetInfo() throws Exception {
        try (File f = open(share, "src.bin", AccessMask.GENERIC_ALL);
                File attrsOnly = open(share, "src.bin", AccessMask.FILE_WRITE_ATTRIBUTES);
                File eaOnly = open(share, "src.bin", AccessMask.FILE_WRITE_EA)) {
            assertEquals(0, attributes(f) & 0x200);
            ioctl(f, SET_SPARSE, new byte[0]);
            assertEquals(0x200, attributes(f) & 0x200);
            // plain attributes never carry the flag, and setting them keeps it
            f.setFileInformation(new com.hierynomus.msfscc.fileinformation.FileBasicInformation(
                    com.hierynomus.msdtyp.FileTime.fromDate(new java.util.Date(0)),
                    com.hierynomus.msdtyp.FileTime.fromDate(new java.util.Date(0)),
                    com.hierynomus.msdtyp.FileTime.fromDate(new java.util.Date(0)),
                    com.hierynomus.msdtyp.FileTime.fromDate(new java.util.Date(0)), 0x2));
            assertEquals(0x202, attributes(f) & 0x202);
            ioctl(attrsOnly, SET_SPARSE, new byte[] {0});
            assertEquals(0, attributes(f) & 0x200);
            assertStatus(NtStatus.STATUS_ACCESS_DENIED, () -> ioctl(eaOnly, SET_SPARSE, new byte[] {1}));
        }
    }

    @Test
    void zeroDataZeroesInsideTheFileOnly() throws Exception {
        try (File f = open(share, "src.bin", AccessMask.GENERIC_ALL);
                File appendOnly = open(share, "src.bin", AccessMask.FILE_APPEND_DATA);
                File locker = open(share, "src.bin", AccessMask.GENERIC_READ)) {
            ioctl(f, SET_ZERO_DATA, range(100, 200));
            byte[] want = Arrays.copyOf(DATA, 300);
            Arrays.fill(want, 100, 200, (byte) 0);
            assertArrayEquals(want, read(f, 0, 300));
            ioctl(f, SET_ZERO_DATA, range(DATA.length - 8, DATA.length + 4096));
            assertEquals(DATA.length, f.getFileInformation().getStandardInformation().getEndOfFile());
            assertArrayEquals(new byte[8], read(f, DATA.length - 8, 8));
            assertStatus(NtStatus.STATUS_INVALID_PARAMETER, () -> ioctl(f, SET_ZERO_DATA, range(10, 9)));
            assertStatus(NtStatus.STATUS_INVALID_PARAMETER, () -> ioctl(f, SET_ZERO_DATA, new byte[8]));
            assertStatus(NtStatus.STATUS_ACCESS_DENIED, () -> ioctl(appendOnly, SET_ZERO_DATA, range(0, 1)));
            locker.requestLock().exclusiveLock(1000, 10, true).send();
            assertStatus(NtStatus.STATUS_FILE_LOCK_CONFLICT, () -> ioctl(f, SET_ZERO_DATA, range(0, 2000)));
            assertEquals(DATA[1000], read(locker, 1000, 1)[0]);
        }
    }

    @Test
    void allocatedRangesAreTheFilesDataWithinTheQuery() throws Exception {
        try (File f = open(share, "src.bin", AccessMask.GENERIC_ALL);
                File attrsOnly = open(share, "src.bin", AccessMask.FILE_READ_ATTRIBUTES)) {
            ByteBuffer out = ByteBuffer.wrap(ioctl(f, QUERY_ALLOCATED_RANGES, range(10, 1 << 30)))
                    .order(ByteOrder.LITTLE_ENDIAN);
            assertEquals(16, out.capacity());
            assertEquals(10, out.getLong(0));
            assertEquals(DATA.length - 10, out.getLong(8));
            assertEquals(0, ioctl(f, QUERY_ALLOCATED_RANGES, range(DATA.length, 10)).length);
            assertEquals(0, ioctl(f, QUERY_ALLOCATED_RANGES, range(0, 0)).length);
            // offset + length beyond 2^63 - 1, negative values, short input
            assertStatus(NtStatus.STATUS_INVALID_PARAMETER,
                    () -> ioctl(f, QUERY_ALLOCATED_RANGES, range(512, Long.MAX_VALUE)));
            assertStatus(NtStatus.STATUS_INVALID_PARAMETER, () -> ioctl(f, QUERY_ALLOCATED_RANGES, range(-1, 1)));
            assertStatus(NtStatus.STATUS_INVALID_PARAMETER, () -> ioctl(f, QUERY_ALLOCATED_RANGES, new byte[15]));
            assertStatus(NtStatus.STATUS_BUFFER_TOO_SMALL,
                    () -> f.ioctl(QUERY_ALLOCATED_RANGES, true, range(0, 10), 0, 16, 8));
            assertStatus(NtStatus.STATUS_ACCESS_DENIED,
                    () -> ioctl(attrsOnly, QUERY_ALLOCATED_RANGES, range(0, 10)));
        }
    }

    @Test
    void everyFileHasAnObjectIdThatFollowsItThroughARename() throws Exception {
        byte[] id;
        try (File f = open(share, "src.bin", AccessMask.FILE_READ_ATTRIBUTES)) {
            id = ioctl(f, CREATE_OR_GET_OBJECT_ID, new byte[0]);
            assertEquals(64, id.length, "[MS-FSCC] 2.1.3.1 FILE_OBJECTID_BUFFER");
            assertArrayEquals(id, ioctl(f, GET_OBJECT_ID, new byte[0]), "GET returns what CREATE_OR_GET made");
            ByteBuffer b = ByteBuffer.wrap(id).order(ByteOrder.LITTLE_ENDIAN);
            assertEquals(f.getFileInformation().getInternalInformation().getIndexNumber(), b.getLong(0),
                    "the object id holds the file id");
            assertArrayEquals(Arrays.copyOfRange(id, 0, 16), Arrays.copyOfRange(id, 32, 48), "BirthObjectId");
            assertArrayEquals(new byte[16], Arrays.copyOfRange(id, 48, 64), "DomainId");
            assertStatus(NtStatus.STATUS_INVALID_PARAMETER,
                    () -> f.ioctl(CREATE_OR_GET_OBJECT_ID, true, new byte[0], 0, 0, 63));
        }
        try (File other = open(share, "other.bin", AccessMask.GENERIC_ALL)) {
            byte[] otherId = ioctl(other, CREATE_OR_GET_OBJECT_ID, new byte[0]);
            assertEquals(false, Arrays.equals(Arrays.copyOf(id, 16), Arrays.copyOf(otherId, 16)), "unique");
            assertArrayEquals(Arrays.copyOfRange(id, 16, 32), Arrays.copyOfRange(otherId, 16, 32), "same volume");
        }
        try (File f = open(share, "src.bin", AccessMask.GENERIC_ALL, AccessMask.DELETE)) {
            f.rename("renamed.bin");
        }
        try (File f = open(share, "renamed.bin", AccessMask.FILE_READ_ATTRIBUTES)) {
            assertArrayEquals(id, ioctl(f, GET_OBJECT_ID, new byte[0]));
        }
    }

    @Test
    void aControlNamingNoOpenIsFileClosedBeforeItIsUnsupported() throws Exception {
        try (RawSmbClient c = new RawSmbClient(fixture.port(), 0x0210)) {
            long session = c.login(0, 0, SmbFixture.PASSWORD).sessionId();
            assertEquals(io.bucketfs.smb.mssmb2.NtStatus.SUCCESS, c.treeConnect(session));
            for (int code : new int[] {0x00090000 /* not handled */, CREATE_OR_GET_OBJECT_ID}) {
                // [MS-SMB2] 2.2.31 IOCTL, FileId all ones outside a compound, FSCTL flag
                ByteBuffer b = RawSmbClient.le(56).putShort((short) 57).putShort((short) 0).putInt(code).putLong(-1L)
                        .putLong(-1L).putInt(0).putInt(0).putInt(0).putInt(0).putInt(0).putInt(64).putInt(1)
                        .putInt(0);
                assertEquals(io.bucketfs.smb.mssmb2.NtStatus.FILE_CLOSED, c.call(11, session, b.array()).status(),
                        "[MS-SMB2] 3.3.5.15: the open is looked up first");
            }
        }
    }
}
