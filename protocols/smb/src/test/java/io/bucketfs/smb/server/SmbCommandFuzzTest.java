package io.bucketfs.smb.server;

import static org.junit.jupiter.api.Assertions.assertNotEquals;

import com.code_intelligence.jazzer.junit.FuzzTest;
import io.bucketfs.backends.ObjectStore;
import io.bucketfs.backends.Payload;
import io.bucketfs.backends.PutOptions;
import io.bucketfs.backends.local.LocalDirectoryStore;
import io.bucketfs.smb.mssmb2.NtStatus;
import io.bucketfs.smb.mssmb2.Smb2Command;
import io.bucketfs.smb.mssmb2.Smb2Header;
import io.bucketfs.smb.mssmb2.SmbProtocolException;
import io.bucketfs.testing.DecodeOracle;
import io.bucketfs.vfs.VfsException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.Named;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * Fuzz target (README "Hostile input"): one SMB2 message ([MS-SMB2] 2.2.1 header and a request body) or a
 * TRANSFORM_HEADER (2.2.41) run through the server's own decoding: {@link Smb2Header#decode}, the
 * {@link io.bucketfs.smb.mssmb2.Request} view and {@code Commands.dispatch}, whose per-command handlers decode as
 * they go (negotiate with its 3.1.1 contexts, session setup, tree connect, create with its create contexts, read,
 * write, lock, ioctl/fsctl, query/set info, query directory, change notify, close, flush, cancel, echo, logoff,
 * oplock and lease break acknowledgements); encrypted messages through {@code Transform.decrypt}. A connection of
 * {@link CommandHarness} holds a signed-in 3.1.1 session, a tree on a <em>read-only</em> share (so no input ever
 * changes what is stored) and two opens, a file and the share's root directory, which related requests with the
 * all-ones FileId inherit. Proves every handler returns a status or throws SmbProtocolException / VfsException
 * (both become an error response), never anything else, within the allocation allowance of the documented limits
 * ({@link SmbSettings#DEFAULT_MAX_FRAME_BYTES}). The seeds are a valid request of every command.
 */
@Timeout(value = 120, unit = TimeUnit.SECONDS)
class SmbCommandFuzzTest {

    static final DecodeOracle ORACLE = new DecodeOracle(List.of(SmbProtocolException.class, VfsException.class),
            4L * SmbSettings.DEFAULT_MAX_FRAME_BYTES + (16 << 20), 256);
    private static CommandHarness harness;

    @MethodSource("seeds")
    @FuzzTest(maxDuration = "5m")
    void dispatch(byte[] input) throws Exception {
        CommandHarness h = harness();
        ORACLE.check(input, () -> h.run(input));
    }

    static synchronized CommandHarness harness() throws Exception {
        if (harness == null) {
            Path dir = Files.createTempDirectory("smb-fuzz");
            ObjectStore store = LocalDirectoryStore.create(Files.createDirectories(dir.resolve("bucket")));
            store.put(CommandHarness.FILE, Payload.ofBytes("0123456789".getBytes(StandardCharsets.US_ASCII)),
                    PutOptions.NONE);
            harness = new CommandHarness(new SmbFixture(dir, store, SmbSettings.DEFAULTS, null, true));
        }
        return harness;
    }

    @AfterAll
    static synchronized void close() {
        if (harness != null) {
            harness.close();
            harness = null;
        }
    }

    @Test
    void everySeedIsAnsweredWithoutAProtocolError() throws Exception {
        for (Arguments a : seeds().toList()) {
            @SuppressWarnings("unchecked")
            Named<byte[]> seed = (Named<byte[]>) a.get()[0];
            int status;
            try {
                status = harness().run(seed.getPayload());
            } catch (SmbProtocolException e) {
                status = e.status();
            }
            assertNotEquals(NtStatus.INVALID_PARAMETER, status, seed.getName());
            assertNotEquals(NtStatus.INTERNAL_ERROR, status, seed.getName());
        }
    }

    static final int RELATED = Smb2Header.FLAGS_RELATED_OPERATIONS;

    /** A valid request of every command, those naming a FileId related with the all-ones one. */
    static Stream<Arguments> seeds() {
        byte[] treePath = "\\\\127.0.0.1\\default".getBytes(java.nio.charset.StandardCharsets.UTF_16LE);
        return Stream.of(
                seed("NEGOTIATE 2.1", MalformedFramesTest.negotiate(2, 0x0202, 0x0210)),
                seed("NEGOTIATE 3.1.1 with contexts", negotiate311()),
                seed("SESSION_SETUP NTLM", message(Smb2Command.SESSION_SETUP, 0, sessionSetup())),
                seed("LOGOFF", message(Smb2Command.LOGOFF, 0, le(4).putShort((short) 4).array())),
                seed("TREE_CONNECT", message(Smb2Command.TREE_CONNECT, 0, le(8 + treePath.length)
                        .putShort((short) 9).putShort((short) 0).putShort((short) 72)
                        .putShort((short) treePath.length).put(treePath).array())),
                seed("TREE_DISCONNECT", message(Smb2Command.TREE_DISCONNECT, 0, le(4).putShort((short) 4).array())),
                seed("CREATE", message(Smb2Command.CREATE, 0, OplockRawTest.createBody(CommandHarness.FILE, 0, 1, 1))),
                seed("CREATE with contexts", createWithContexts()),
                seed("CLOSE", message(Smb2Command.CLOSE, RELATED, fileIdBody(24, 8))),
                seed("FLUSH", message(Smb2Command.FLUSH, RELATED, fileIdBody(24, 8))),
                seed("READ", message(Smb2Command.READ, RELATED, le(49).putShort((short) 49).put((byte) 0x50)
                        .put((byte) 0).putInt(10).putLong(0).put(ALL_ONES).putInt(1).putInt(0).putInt(0)
                        .putShort((short) 0).putShort((short) 0).put((byte) 0).array())),
                seed("WRITE", message(Smb2Command.WRITE, RELATED, le(48 + 3).putShort((short) 49)
                        .putShort((short) 112).putInt(3).putLong(0).put(ALL_ONES).putInt(0).putInt(0)
                        .putShort((short) 0).putShort((short) 0).putInt(0).put(new byte[] {1, 2, 3}).array())),
                seed("LOCK", message(Smb2Command.LOCK, RELATED, le(48).putShort((short) 48).putShort((short) 1)
                        .putInt(0).put(ALL_ONES).putLong(0).putLong(5).putInt(0x2 | 0x10).putInt(0).array())),
                seed("IOCTL FSCTL_QUERY_ALLOCATED_RANGES", ioctl(0x000940CF, le(16).putLong(0).putLong(100).array())),
                seed("IOCTL FSCTL_VALIDATE_NEGOTIATE_INFO", ioctl(Commands.FSCTL_VALIDATE_NEGOTIATE_INFO,
                        le(26).putInt(0).put(new byte[16]).putShort((short) 1).putShort((short) 1)
                                .putShort((short) 0x0311).array())),
                seed("IOCTL FSCTL_SRV_REQUEST_RESUME_KEY", ioctl(0x00140078, new byte[0])),
                seed("CANCEL", message(Smb2Command.CANCEL, 0, le(4).putShort((short) 4).array())),
                seed("ECHO", message(Smb2Command.ECHO, 0, le(4).putShort((short) 4).array())),
                seed("QUERY_DIRECTORY", message(Smb2Command.QUERY_DIRECTORY, RELATED, le(32 + 2)
                        .putShort((short) 33).put((byte) 0x25).put((byte) 1).putInt(0).put(ALL_ONES)
                        .putShort((short) 96).putShort((short) 2).putInt(65536).put(new byte[] {'*', 0}).array())),
                seed("CHANGE_NOTIFY", message(Smb2Command.CHANGE_NOTIFY, RELATED, le(32).putShort((short) 32)
                        .putShort((short) 0).putInt(4096).put(ALL_ONES).putInt(0x1).putInt(0).array())),
                seed("QUERY_INFO", message(Smb2Command.QUERY_INFO, RELATED, le(40).putShort((short) 41)
                        .put((byte) 1).put((byte) 18).putInt(4096).putShort((short) 0).putShort((short) 0)
                        .putInt(0).putInt(0).putInt(0).put(ALL_ONES).array())),
                seed("SET_INFO", message(Smb2Command.SET_INFO, RELATED, le(32 + 40).putShort((short) 33)
                        .put((byte) 1).put((byte) 4).putInt(40).putShort((short) 96).putShort((short) 0).putInt(0)
                        .put(ALL_ONES).put(new byte[40]).array())),
                seed("OPLOCK_BREAK", message(Smb2Command.OPLOCK_BREAK, RELATED, le(24).putShort((short) 24)
                        .put((byte) 0).put((byte) 0).putInt(0).put(ALL_ONES).array())),
                seed("TRANSFORM", transform()));
    }

    static final byte[] ALL_ONES = new byte[] {-1, -1, -1, -1, -1, -1, -1, -1, -1, -1, -1, -1, -1, -1, -1, -1};

    private static Arguments seed(String name, byte[] message) {
        return Arguments.of(Named.of(name, message));
    }

    static ByteBuffer le(int size) {
        return ByteBuffer.allocate(size).order(ByteOrder.LITTLE_ENDIAN);
    }

    /** A header ({@link MalformedFramesTest#header}) with {@code flags}, then {@code body}. */
    static byte[] message(int command, int flags, byte[] body) {
        ByteBuffer h = MalformedFramesTest.header(command, 1, 0);
        h.putInt(16, flags);
        return le(64 + body.length).put(h.array()).put(body).array();
    }

    /** CLOSE / FLUSH: StructureSize 24, {@code idAt} bytes of flags and reserved fields, the FileId. */
    private static byte[] fileIdBody(int size, int idAt) {
        return le(size).putShort((short) size).put(new byte[idAt - 2]).put(ALL_ONES)
                .put(new byte[size - idAt - 16]).array();
    }

    private static byte[] ioctl(int ctlCode, byte[] input) {
        return message(Smb2Command.IOCTL, RELATED, le(56 + input.length).putShort((short) 57).putShort((short) 0)
                .putInt(ctlCode).put(ALL_ONES).putInt(input.length == 0 ? 0 : 120).putInt(input.length)
                .putInt(0).putInt(0).putInt(0).putInt(4096).putInt(1).putInt(0).put(input).array());
    }

    /** NEGOTIATE of 3.1.1 ({@link MalformedFramesTest#negotiate}) with preauth and encryption contexts. */
    private static byte[] negotiate311() {
        byte[] base = MalformedFramesTest.negotiate(1, 0x0311);
        int contexts = (base.length + 7) & ~7;
        ByteBuffer b = le(contexts + 8 + 38 + 2 + 8 + 4);
        b.put(base).position(contexts);
        b.putShort((short) 1).putShort((short) 38).putInt(0).putShort((short) 1).putShort((short) 32)
                .putShort((short) 0x0001).put(new byte[32]).putShort((short) 0);
        b.putShort((short) 2).putShort((short) 4).putInt(0).putShort((short) 1).putShort((short) 0x0002);
        b.putInt(64 + 28, contexts).putShort(64 + 32, (short) 2);
        return b.array();
    }

    private static byte[] sessionSetup() {
        byte[] token = NtlmSpnegoFuzzTest.negotiateMessage();
        return le(24 + token.length).putShort((short) 25).put((byte) 0).put((byte) 1).putInt(0).putInt(0)
                .putShort((short) 88).putShort((short) token.length).putLong(0).put(token).array();
    }

    /** CREATE of the file with MxAc and QFid contexts ([MS-SMB2] 2.2.13.2.5, 2.2.13.2.9). */
    private static byte[] createWithContexts() {
        byte[] body = OplockRawTest.createBody(CommandHarness.FILE, 0, 1, 1);
        int at = (64 + body.length + 7) & ~7;
        ByteBuffer b = le(at - 64 + 24 + 24);
        b.put(body).position(at - 64);
        b.putInt(24).putShort((short) 16).putShort((short) 4).putShort((short) 0).putShort((short) 0).putInt(0)
                .put("MxAc".getBytes(java.nio.charset.StandardCharsets.US_ASCII)).putInt(0);
        b.putInt(0).putShort((short) 16).putShort((short) 4).putShort((short) 0).putShort((short) 0).putInt(0)
                .put("QFid".getBytes(java.nio.charset.StandardCharsets.US_ASCII)).putInt(0);
        b.putInt(48, at).putInt(52, 48);
        return message(Smb2Command.CREATE, 0, b.array());
    }

    /** A TRANSFORM_HEADER (the harness puts its session's id in), its ciphertext not authentic. */
    private static byte[] transform() {
        return le(52 + 64).putInt(Transform.PROTOCOL_ID).put(new byte[16]).put(new byte[16]).putInt(64)
                .putShort((short) 0).putShort((short) 1).putLong(0)
                .put(new byte[64]).array();
    }
}
