package io.bucketfs.smb.server;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.hierynomus.msdtyp.AccessMask;
import com.hierynomus.mserref.NtStatus;
import com.hierynomus.msfscc.FileInformationClass;
import com.hierynomus.msfscc.fileinformation.FileInformationFactory;
import com.hierynomus.msfscc.fileinformation.FileStandardInformation;
import com.hierynomus.mssmb2.messages.SMB2QueryInfoRequest;
import com.hierynomus.protocol.commons.buffer.Buffer;
import com.hierynomus.protocol.commons.buffer.Endian;
import com.hierynomus.mssmb2.SMB2CreateDisposition;
import com.hierynomus.mssmb2.SMB2Dialect;
import com.hierynomus.mssmb2.SMB2ImpersonationLevel;
import com.hierynomus.mssmb2.SMB2ShareAccess;
import com.hierynomus.mssmb2.SMBApiException;
import com.hierynomus.smbj.SMBClient;
import com.hierynomus.smbj.SmbConfig;
import com.hierynomus.smbj.auth.AuthenticationContext;
import com.hierynomus.smbj.session.Session;
import com.hierynomus.smbj.share.NamedPipe;
import com.hierynomus.smbj.share.PipeShare;
import io.bucketfs.backends.local.LocalDirectoryStore;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.EnumSet;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/**
 * The srvsvc named pipe on IPC$ through SMBJ's pipe API: CREATE, WRITE/READ (message mode, BUFFER_OVERFLOW
 * for a short read), FSCTL_PIPE_TRANSCEIVE, FSCTL_PIPE_PEEK, FSCTL_PIPE_WAIT, QUERY_INFO, CLOSE.
 */
@Timeout(60)
class SmbjPipeTest {
    @TempDir
    Path tmp;
    private SmbFixture fixture;
    private SMBClient client;
    private Session session;

    @BeforeEach
    void start() throws Exception {
        fixture = new SmbFixture(tmp, LocalDirectoryStore.create(Files.createDirectories(tmp.resolve("bucket"))),
                SmbSettings.DEFAULTS);
        client = new SMBClient(SmbConfig.builder().withDialects(SMB2Dialect.SMB_3_1_1)
                .withTimeout(30, TimeUnit.SECONDS).build());
        session = client.connect("127.0.0.1", fixture.port()).authenticate(
                new AuthenticationContext(SmbFixture.USER, SmbFixture.PASSWORD.toCharArray(), "WORKGROUP"));
    }

    @AfterEach
    void stop() {
        client.close();
        fixture.close();
    }

    /** A BIND of srvsvc v3.0 with NDR 2.0 (call id 1). */
    static byte[] bind() {
        ByteBuffer b = ByteBuffer.allocate(72).order(ByteOrder.LITTLE_ENDIAN);
        b.put((byte) 5).put((byte) 0).put((byte) 11).put((byte) 3).putInt(0x10).putShort((short) 72).putShort((short) 0)
                .putInt(1);
        b.putShort((short) 4280).putShort((short) 4280).putInt(0).put((byte) 1).put((byte) 0).putShort((short) 0);
        b.putShort((short) 0).put((byte) 1).put((byte) 0);
        b.putInt(0x4b324fc8).putShort((short) 0x1670).putShort((short) 0x01d3)
                .put(new byte[] {0x12, 0x78, 0x5a, 0x47, (byte) 0xbf, 0x6e, (byte) 0xe1, (byte) 0x88}).putInt(3);
        b.putInt(0x8a885d04).putShort((short) 0x1ceb).putShort((short) 0x11c9)
                .put(new byte[] {(byte) 0x9f, (byte) 0xe8, 0x08, 0x00, 0x2b, 0x10, 0x48, 0x60}).putInt(2);
        return b.array();
    }

    /** A BIND_ACK with its association group (each BIND of group 0 gets a new one) zeroed. */
    private static byte[] withoutGroup(byte[] ack) {
        byte[] b = ack.clone();
        Arrays.fill(b, 20, 24, (byte) 0);
        return b;
    }

    private NamedPipe open(PipeShare ipc, String name) {
        return ipc.open(name, SMB2ImpersonationLevel.Impersonation, EnumSet.of(AccessMask.GENERIC_READ,
                AccessMask.GENERIC_WRITE), null, EnumSet.of(SMB2ShareAccess.FILE_SHARE_READ,
                SMB2ShareAccess.FILE_SHARE_WRITE), SMB2CreateDisposition.FILE_OPEN, null);
    }

    @Test
    void transceiveBindAndQueryInfo() throws Exception {
        try (PipeShare ipc = (PipeShare) session.connectShare("IPC$")) {
            assertTrue(ipc.waitForPipe("srvsvc"));
            SMBApiException missing = assertThrows(SMBApiException.class, () -> ipc.waitForPipe("nosuchpipe"));
            assertEquals(NtStatus.STATUS_OBJECT_NAME_NOT_FOUND, missing.getStatus());
            SMBApiException e = assertThrows(SMBApiException.class, () -> open(ipc, "nosuchpipe"));
            assertEquals(NtStatus.STATUS_OBJECT_NAME_NOT_FOUND, e.getStatus());
            try (NamedPipe pipe = open(ipc, "srvsvc")) {
                SMBApiException empty = assertThrows(SMBApiException.class, () -> pipe.read(new byte[100]));
                assertEquals(0xC00000D9L, empty.getStatusCode(), "STATUS_PIPE_EMPTY");
                byte[] ack = pipe.transact(bind());
                assertEquals(12, ack[2], "BIND_ACK");
                assertEquals(1, ack[12], "call id");
                assertTrue(new String(ack, StandardCharsets.US_ASCII).contains("\\PIPE\\srvsvc"));
                var resp = ipc.queryInfo(pipe.getFileId(), SMB2QueryInfoRequest.SMB2QueryInfoType.SMB2_0_INFO_FILE,
                        null, FileInformationClass.FileStandardInformation, null);
                FileStandardInformation std = FileInformationFactory.getDecoder(FileStandardInformation.class)
                        .read(new Buffer.PlainBuffer(resp.getOutputBuffer(), Endian.LE));
                assertEquals(0, std.getEndOfFile());
                assertFalse(std.isDirectory());
                SMBApiException unsupported = assertThrows(SMBApiException.class, () -> ipc.queryInfo(
                        pipe.getFileId(), SMB2QueryInfoRequest.SMB2QueryInfoType.SMB2_0_INFO_FILE, null,
                        FileInformationClass.FileAllInformation, null));
                assertEquals(NtStatus.STATUS_INVALID_PARAMETER, unsupported.getStatus());
            }
        }
    }

    @Test
    void writeThenReadInPiecesAndPeek() throws Exception {
        try (PipeShare ipc = (PipeShare) session.connectShare("IPC$");
             NamedPipe pipe = open(ipc, "\\srvsvc")) {
            byte[] full = pipe.transact(bind());
            assertEquals(0, pipe.peek().getReadDataAvailable());
            assertEquals(72, pipe.write(bind()));
            var peek = pipe.peek(4096);
            assertEquals(full.length, peek.getReadDataAvailable());
            assertEquals(1, peek.getNumberOfMessages());
            assertEquals(full.length, peek.getMessageLength());
            assertArrayEquals(withoutGroup(full), withoutGroup(peek.getData()));
            // a peek with room for part of the message only: STATUS_BUFFER_OVERFLOW (SMBJ throws on it)
            SMBApiException overflow = assertThrows(SMBApiException.class, () -> pipe.peek(8));
            assertEquals(NtStatus.STATUS_BUFFER_OVERFLOW, overflow.getStatus());
            // a READ shorter than the message: STATUS_BUFFER_OVERFLOW with 20 bytes (SMBJ throws on it)
            SMBApiException cut = assertThrows(SMBApiException.class, () -> pipe.read(new byte[20]));
            assertEquals(NtStatus.STATUS_BUFFER_OVERFLOW, cut.getStatus());
            byte[] rest = new byte[4096];
            int n = pipe.read(rest);
            assertEquals(full.length - 20, n);
            assertArrayEquals(Arrays.copyOfRange(full, 24, full.length), Arrays.copyOfRange(rest, 4, n));
            assertEquals(0, pipe.peek().getReadDataAvailable());
        }
    }

    @Test
    void transceiveWithTooSmallAnOutputBufferOverflowsAndTheRestIsRead() throws Exception {
        try (PipeShare ipc = (PipeShare) session.connectShare("IPC$");
             NamedPipe first = open(ipc, "srvsvc");
             NamedPipe pipe = open(ipc, "srvsvc")) {
            byte[] full = first.transact(bind());
            // STATUS_BUFFER_OVERFLOW with the first 16 bytes (SMBJ throws on it rather than return them)
            SMBApiException overflow = assertThrows(SMBApiException.class,
                    () -> pipe.transact(bind(), 0, 72, new byte[16], 0, 16));
            assertEquals(NtStatus.STATUS_BUFFER_OVERFLOW, overflow.getStatus());
            byte[] rest = new byte[4096];
            int n = pipe.read(rest);
            assertEquals(full.length - 16, n);
            assertArrayEquals(Arrays.copyOfRange(withoutGroup(full), 24, full.length), Arrays.copyOfRange(rest, 8, n));
            // a transceive while unread output is queued: the pipe is busy
            pipe.write(bind());
            SMBApiException busy = assertThrows(SMBApiException.class, () -> pipe.transact(bind()));
            assertEquals(NtStatus.STATUS_PIPE_BUSY, busy.getStatus());
        }
    }

    @Test
    void garbageOnThePipeIsAnsweredWithAFaultAndThePipeKeepsWorking() throws Exception {
        try (PipeShare ipc = (PipeShare) session.connectShare("IPC$");
             NamedPipe pipe = open(ipc, "srvsvc")) {
            byte[] garbage = new byte[64];
            Arrays.fill(garbage, (byte) 0x41);
            byte[] fault = pipe.transact(garbage);
            assertEquals(3, fault[2], "FAULT");
            assertEquals(0x1C01000B, ByteBuffer.wrap(fault, 24, 4).order(ByteOrder.LITTLE_ENDIAN).getInt(),
                    "nca_s_proto_error");
            assertEquals(12, pipe.transact(bind())[2], "BIND_ACK");
        }
    }

    @Test
    void pipeOpensPerSessionAreBounded() throws Exception {
        try (PipeShare ipc = (PipeShare) session.connectShare("IPC$")) {
            java.util.List<NamedPipe> opens = new java.util.ArrayList<>();
            for (int i = 0; i < PipeCommands.MAX_PIPES_PER_SESSION; i++) {
                opens.add(open(ipc, "srvsvc"));
            }
            SMBApiException full = assertThrows(SMBApiException.class, () -> open(ipc, "srvsvc"));
            assertEquals(NtStatus.STATUS_INSUFFICIENT_RESOURCES, full.getStatus());
            opens.remove(0).close();
            open(ipc, "srvsvc").close();
            for (NamedPipe p : opens) {
                p.close();
            }
        }
    }
}
