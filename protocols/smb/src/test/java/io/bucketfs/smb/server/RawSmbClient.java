package io.bucketfs.smb.server;

import static org.junit.jupiter.api.Assertions.assertEquals;

import io.bucketfs.smb.mssmb2.NtStatus;
import io.bucketfs.smb.mssmb2.Smb2Crypto;
import io.bucketfs.smb.ntlm.NtlmCrypto;
import java.io.DataInputStream;
import java.io.IOException;
import java.io.OutputStream;
import java.net.Socket;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;

/**
 * A raw SMB2 client over one TCP connection, for what no client library sends: unsigned requests, raw NTLMSSP
 * tokens (anonymous, LM and NTLMv1 responses), binding requests, hand-made IOCTLs. Sequential MessageIds, one
 * credit asked per request, nothing signed unless {@link #signingKey} is set (AES-CMAC, SMB 3.0 and 3.0.2).
 */
final class RawSmbClient implements AutoCloseable {
    static final int NEGOTIATE = 0;
    static final int SESSION_SETUP = 1;
    static final int TREE_CONNECT = 3;
    static final int CREATE = 5;
    static final int READ = 8;
    static final int WRITE = 9;
    static final int IOCTL = 11;
    static final int FLAGS_SIGNED = 0x8;
    /** The NLMP example's flags without KEY_EXCH. */
    static final int FLAGS = 0x62088215 & ~0x40000000;
    static final byte[] NTLMSSP = "NTLMSSP\0".getBytes(StandardCharsets.US_ASCII);

    /** A response: its status, session id and bytes. */
    record Answer(int status, long sessionId, byte[] bytes) {
        /** The NEGOTIATE response's SecurityMode. */
        int securityMode() {
            return ByteBuffer.wrap(bytes).order(ByteOrder.LITTLE_ENDIAN).getShort(64 + 2) & 0xFFFF;
        }

        int flags() {
            return ByteBuffer.wrap(bytes).order(ByteOrder.LITTLE_ENDIAN).getInt(16);
        }

        int treeId() {
            return ByteBuffer.wrap(bytes).order(ByteOrder.LITTLE_ENDIAN).getInt(36);
        }

        byte[] signature() {
            return Arrays.copyOfRange(bytes, 48, 64);
        }
    }

    private final Socket socket;
    private long messageId;
    final Answer negotiated;
    /** The TreeId of requests sent without one: the last successful {@link #treeConnect}'s. */
    int treeId;
    /** A session id for callers that keep one here. */
    long sessionId;
    /** When set, requests with a SessionId are signed with it (SMB 3.0/3.0.2 AES-CMAC, [MS-SMB2] 3.1.4.1). */
    byte[] signingKey;
    /** The session base key of the last {@link #loginSigned}. */
    byte[] sessionBaseKey;
    private long nonce;
    /** The CreditRequest of every request (1 unless a test wants a wider window). */
    int creditRequest = 1;

    /** Connects and negotiates {@code dialect} (2.0.2 to 3.0.2: no negotiate contexts). */
    RawSmbClient(int port, int dialect) throws IOException {
        this(port, new int[] {dialect}, 1, 0, new byte[16]);
    }

    /**
     * Connects and sends a NEGOTIATE ([MS-SMB2] 2.2.3) offering {@code dialects} (none above 3.0.2) with the given
     * SecurityMode, Capabilities and ClientGuid.
     */
    RawSmbClient(int port, int[] dialects, int securityMode, int capabilities, byte[] clientGuid)
            throws IOException {
        socket = new Socket("127.0.0.1", port);
        socket.setSoTimeout(10_000);
        ByteBuffer body = le(36 + 2 * dialects.length).putShort((short) 36).putShort((short) dialects.length)
                .putShort((short) securityMode).putShort((short) 0).putInt(capabilities).put(clientGuid).putLong(0);
        for (int d : dialects) {
            body.putShort((short) d);
        }
        negotiated = call(NEGOTIATE, 0, 0, body.array());
        assertEquals(NtStatus.SUCCESS, negotiated.status());
    }

    static ByteBuffer le(int size) {
        return ByteBuffer.allocate(size).order(ByteOrder.LITTLE_ENDIAN);
    }

    Answer call(int command, long sessionId, byte[] body) throws IOException {
        return call(command, sessionId, treeId, body);
    }

    Answer call(int command, long sessionId, int treeId, byte[] body) throws IOException {
        send(command, sessionId, treeId, body);
        return read();
    }

    void send(int command, long sessionId, byte[] body) throws IOException {
        send(command, sessionId, treeId, body);
    }

    void send(int command, long sessionId, int treeId, byte[] body) throws IOException {
        ByteBuffer h = message(command, sessionId, treeId, body);
        OutputStream out = socket.getOutputStream();
        out.write(ByteBuffer.allocate(4).putInt(h.capacity()).array());
        out.write(h.array());
        out.flush();
    }

    /**
     * Sends a request with {@code sessionId} in its header, encrypted ([MS-SMB2] 3.1.4.3, SMB 3.0/3.0.2
     * AES-128-CCM) with the client-to-server key of the session base key {@code baseKey} under a transform
     * header naming {@code transformSessionId}.
     */
    void sendEncrypted(int command, long sessionId, byte[] body, long transformSessionId, byte[] baseKey)
            throws IOException {
        byte[] signWith = signingKey;
        signingKey = null; // sealed, not signed
        byte[] plain = message(command, sessionId, treeId, body).array();
        signingKey = signWith;
        byte[] key = Smb2Crypto.kdf(baseKey, Smb2Crypto.label("SMB2AESCCM"), Smb2Crypto.label("ServerIn "), 128);
        ByteBuffer t = le(52).putInt(Transform.PROTOCOL_ID).put(new byte[16])
                .putLong(++nonce).putLong(0).putInt(plain.length).putShort((short) 0).putShort((short) 1)
                .putLong(transformSessionId);
        byte[] nonceField = Arrays.copyOfRange(t.array(), 20, 36);
        byte[] aad = Arrays.copyOfRange(t.array(), 20, 52);
        byte[] tag = new byte[16];
        byte[] sealed = Smb2Crypto.encrypt(Smb2Crypto.CIPHER_AES_128_CCM, key, nonceField, aad, plain, tag);
        t.position(4);
        t.put(tag);
        OutputStream out = socket.getOutputStream();
        out.write(ByteBuffer.allocate(4).putInt(52 + sealed.length).array());
        out.write(t.array());
        out.write(sealed);
        out.flush();
    }

    private ByteBuffer message(int command, long sessionId, int treeId, byte[] body) {
        ByteBuffer h = le(64 + body.length);
        h.putInt(0x424D53FE).putShort((short) 64).putShort((short) 1).putInt(0).putShort((short) command)
                .putShort((short) creditRequest).putInt(0).putInt(0).putLong(messageId++).putInt(0).putInt(treeId)
                .putLong(sessionId).put(new byte[16]).put(body);
        if (signingKey != null && sessionId != 0) {
            h.putInt(16, h.getInt(16) | FLAGS_SIGNED);
            h.position(48);
            h.put(Smb2Crypto.sign(Smb2Crypto.SIGNING_AES_CMAC, signingKey, h.array(), 0, h.capacity()));
        }
        return h;
    }

    /**
     * One SMB2 message with the next MessageId: the header with {@code flags} (SMB2_FLAGS_SIGNED,
     * RELATED_OPERATIONS...) and {@code signature} as given — nothing is computed — then {@code body}.
     */
    byte[] message(int command, int flags, long sessionId, int treeId, byte[] signature, byte[] body) {
        return message(messageId++, command, flags, sessionId, treeId, signature, body);
    }

    static byte[] message(long messageId, int command, int flags, long sessionId, int treeId, byte[] signature,
            byte[] body) {
        return le(64 + body.length).putInt(0x424D53FE).putShort((short) 64).putShort((short) 1).putInt(0)
                .putShort((short) command).putShort((short) 1).putInt(flags).putInt(0).putLong(messageId).putInt(0)
                .putInt(treeId).putLong(sessionId).put(signature).put(body).array();
    }

    /** Sends {@code messages} as one frame: a compound when more than one (padded to 8, NextCommand set). */
    void sendFrame(byte[]... messages) throws IOException {
        ByteBuffer frame = le(Arrays.stream(messages).mapToInt(m -> (m.length + 7) & ~7).sum());
        for (int i = 0; i < messages.length; i++) {
            int at = frame.position();
            frame.put(messages[i]);
            if (i + 1 < messages.length) {
                frame.position(at + ((messages[i].length + 7) & ~7));
                frame.putInt(at + 20, frame.position() - at);
            }
        }
        OutputStream out = socket.getOutputStream();
        out.write(ByteBuffer.allocate(4).putInt(frame.position()).array());
        out.write(frame.array(), 0, frame.position());
        out.flush();
    }

    /** The responses of the next frame from the server, split at their NextCommand offsets. */
    List<Answer> readCompound() throws IOException {
        byte[] frame = read().bytes();
        List<Answer> answers = new ArrayList<>();
        int at = 0;
        while (true) {
            ByteBuffer r = ByteBuffer.wrap(frame).order(ByteOrder.LITTLE_ENDIAN);
            int next = r.getInt(at + 20);
            byte[] m = Arrays.copyOfRange(frame, at, next == 0 ? frame.length : at + next);
            answers.add(new Answer(r.getInt(at + 8), r.getLong(at + 40), m));
            if (next == 0) {
                return answers;
            }
            at += next;
        }
    }

    /** The next message from the server: a response or a notification. */
    Answer read() throws IOException {
        DataInputStream in = new DataInputStream(socket.getInputStream());
        byte[] m = new byte[in.readInt()];
        in.readFully(m);
        ByteBuffer r = ByteBuffer.wrap(m).order(ByteOrder.LITTLE_ENDIAN);
        return new Answer(r.getInt(8), r.getLong(40), m);
    }

    /** Whether {@code message} is flagged signed and its signature is right for {@code key} (AES-CMAC). */
    static boolean signedWith(byte[] message, byte[] key) {
        ByteBuffer m = ByteBuffer.wrap(message).order(ByteOrder.LITTLE_ENDIAN);
        if ((m.getInt(16) & FLAGS_SIGNED) == 0) {
            return false;
        }
        byte[] copy = message.clone();
        Arrays.fill(copy, 48, 64, (byte) 0);
        byte[] want = Smb2Crypto.sign(Smb2Crypto.SIGNING_AES_CMAC, key, copy, 0, copy.length);
        return Arrays.equals(want, Arrays.copyOfRange(message, 48, 64));
    }

    /**
     * NTLMv2 login ({@link #login}) on an SMB 3.0 or 3.0.2 connection that then signs every request with the
     * session's signing key ([MS-SMB2] 3.2.5.3.1: KDF of the session base key; no KEY_EXCH); keeps the SessionId
     * in {@link #sessionId}; returns the final answer.
     */
    Answer loginSigned(String password) throws IOException {
        Answer challenge = challenge(0, 0);
        byte[] token = ntlmv2(challengeToken(challenge), SmbFixture.USER, password);
        Answer done = sessionSetup(challenge.sessionId(), 0, 0, token);
        byte[] ntowf = NtlmCrypto.ntowfv2(NtlmCrypto.ntHash(password.toCharArray()), SmbFixture.USER, "");
        ByteBuffer t = ByteBuffer.wrap(token).order(ByteOrder.LITTLE_ENDIAN);
        byte[] proof = Arrays.copyOfRange(token, t.getInt(24), t.getInt(24) + 16);
        sessionBaseKey = NtlmCrypto.hmacMd5(ntowf, proof);
        signingKey = Smb2Crypto.kdf(sessionBaseKey, Smb2Crypto.label("SMB2AESCMAC"), Smb2Crypto.label("SmbSign"),
                128);
        sessionId = done.sessionId();
        return done;
    }

    /**
     * IOCTL ([MS-SMB2] 2.2.31) of {@code ctlCode} as an FSCTL on FileId all ones (no file) with {@code input}, on
     * {@link #sessionId} and {@link #treeId}.
     */
    Answer fsctl(int ctlCode, byte[] input, int maxOutputResponse) throws IOException {
        ByteBuffer b = le(56 + input.length).putShort((short) 57).putShort((short) 0).putInt(ctlCode)
                .putLong(-1L).putLong(-1L).putInt(64 + 56).putInt(input.length).putInt(0).putInt(0).putInt(0)
                .putInt(maxOutputResponse).putInt(1).putInt(0).put(input);
        return call(IOCTL, sessionId, b.array());
    }

    /** SESSION_SETUP with a raw NTLMSSP token. */
    Answer sessionSetup(long sessionId, int flags, long previousSessionId, byte[] token) throws IOException {
        ByteBuffer b = le(24 + token.length).putShort((short) 25).put((byte) flags).put((byte) 0).putInt(0)
                .putInt(0).putShort((short) (64 + 24)).putShort((short) token.length).putLong(previousSessionId)
                .put(token);
        return call(SESSION_SETUP, sessionId, b.array());
    }

    static byte[] negotiateToken() {
        return le(32).put(NTLMSSP).putInt(1).putInt(FLAGS).array();
    }

    /** The first round trip: NEGOTIATE_MESSAGE out, the CHALLENGE_MESSAGE's answer back. */
    Answer challenge(long sessionId, long previousSessionId) throws IOException {
        Answer challenge = sessionSetup(sessionId, 0, previousSessionId, negotiateToken());
        assertEquals(NtStatus.MORE_PROCESSING_REQUIRED, challenge.status());
        return challenge;
    }

    /** The CHALLENGE_MESSAGE of a MORE_PROCESSING_REQUIRED answer (raw NTLMSSP, not SPNEGO). */
    static byte[] challengeToken(Answer challenge) {
        return Arrays.copyOfRange(challenge.bytes(), 64 + 8, challenge.bytes().length);
    }

    /** Both round trips of NTLMv2 with a password; returns the final answer. */
    Answer login(long sessionId, long previousSessionId, String password) throws IOException {
        Answer challenge = challenge(sessionId, previousSessionId);
        return sessionSetup(challenge.sessionId(), 0, previousSessionId,
                ntlmv2(challengeToken(challenge), SmbFixture.USER, password));
    }

    /** TREE_CONNECT to the share {@code default}; its status; on success its TreeId becomes {@link #treeId}. */
    int treeConnect(long sessionId) throws IOException {
        Answer a = treeConnectAnswer(sessionId);
        if (a.status() == NtStatus.SUCCESS) {
            treeId = ByteBuffer.wrap(a.bytes()).order(ByteOrder.LITTLE_ENDIAN).getInt(36);
        }
        return a.status();
    }

    /** TREE_CONNECT to the share {@code default}; the answer's header holds the TreeId at offset 36. */
    Answer treeConnectAnswer(long sessionId) throws IOException {
        byte[] path = "\\\\127.0.0.1\\default".getBytes(StandardCharsets.UTF_16LE);
        ByteBuffer b = le(8 + path.length).putShort((short) 9).putShort((short) 0).putShort((short) (64 + 8))
                .putShort((short) path.length).put(path);
        return call(TREE_CONNECT, sessionId, b.array());
    }

    /**
     * CREATE ([MS-SMB2] 2.2.13) of {@code name} exactly as given (FILE_OPEN_IF, read/write, no contexts); its
     * status.
     */
    int create(long sessionId, int treeId, String name) throws IOException {
        byte[] n = name.getBytes(StandardCharsets.UTF_16LE);
        ByteBuffer b = le(56 + Math.max(n.length, 1)).putShort((short) 57).put((byte) 0).put((byte) 0).putInt(2)
                .putLong(0).putLong(0).putInt(0x0012019F).putInt(0).putInt(7).putInt(3).putInt(0)
                .putShort((short) (64 + 56)).putShort((short) n.length).putInt(0).putInt(0).put(n);
        return call(CREATE, sessionId, treeId, b.array()).status();
    }

    /** CREATE of {@code name} (as {@link #create}) on {@link #sessionId}; the FileId of the open (16 bytes). */
    byte[] open(String name) throws IOException {
        byte[] n = name.getBytes(StandardCharsets.UTF_16LE);
        ByteBuffer b = le(56 + n.length).putShort((short) 57).put((byte) 0).put((byte) 0).putInt(2)
                .putLong(0).putLong(0).putInt(0x0012019F).putInt(0).putInt(7).putInt(3).putInt(0)
                .putShort((short) (64 + 56)).putShort((short) n.length).putInt(0).putInt(0).put(n);
        Answer a = call(CREATE, sessionId, b.array());
        assertEquals(NtStatus.SUCCESS, a.status());
        return Arrays.copyOfRange(a.bytes(), 64 + 64, 64 + 80);
    }

    /** WRITE ([MS-SMB2] 2.2.21) of {@code data} (at most 64 KiB: one credit) at {@code offset}; its status. */
    int write(byte[] fileId, long offset, byte[] data) throws IOException {
        ByteBuffer b = le(48 + data.length).putShort((short) 49).putShort((short) (64 + 48)).putInt(data.length)
                .putLong(offset).put(fileId).putInt(0).putInt(0).putShort((short) 0).putShort((short) 0).putInt(0)
                .put(data);
        return call(WRITE, sessionId, b.array()).status();
    }

    /** Sends (does not wait for) a READ ([MS-SMB2] 2.2.19) of {@code length} (at most 64 KiB) at {@code offset}. */
    void sendRead(byte[] fileId, long offset, int length) throws IOException {
        ByteBuffer b = le(49).putShort((short) 49).put((byte) 0).put((byte) 0).putInt(length).putLong(offset)
                .put(fileId).putInt(0).putInt(0).putInt(0).putShort((short) 0).putShort((short) 0).put((byte) 0);
        send(READ, sessionId, b.array());
    }

    /** An NTLMv2 AUTHENTICATE_MESSAGE ([MS-NLMP] 2.2.1.3, 3.3.2) answering a CHALLENGE_MESSAGE. */
    static byte[] ntlmv2(byte[] challenge, String user, String password) {
        ByteBuffer c = ByteBuffer.wrap(challenge).order(ByteOrder.LITTLE_ENDIAN);
        byte[] serverChallenge = Arrays.copyOfRange(challenge, 24, 32);
        int infoLength = c.getShort(40) & 0xFFFF;
        int infoOffset = c.getInt(44);
        byte[] targetInfo = Arrays.copyOfRange(challenge, infoOffset, infoOffset + infoLength);
        byte[] temp = le(28 + targetInfo.length + 4).put(new byte[] {1, 1, 0, 0, 0, 0, 0, 0}).putLong(0)
                .put("clientch".getBytes(StandardCharsets.US_ASCII)).putInt(0).put(targetInfo).putInt(0).array();
        byte[] ntowf = NtlmCrypto.ntowfv2(NtlmCrypto.ntHash(password.toCharArray()), user, "");
        byte[] proof = NtlmCrypto.hmacMd5(ntowf, serverChallenge, temp);
        byte[] nt = le(16 + temp.length).put(proof).put(temp).array();
        return authenticate(new byte[0], nt, user, FLAGS);
    }

    /** An AUTHENTICATE_MESSAGE with the given LM and NT responses, user name, no domain and no session key. */
    static byte[] authenticate(byte[] lm, byte[] nt, String user, int flags) {
        byte[] u = user.getBytes(StandardCharsets.UTF_16LE);
        int off = 64;
        ByteBuffer b = le(off + lm.length + nt.length + u.length);
        int at = off;
        b.put(NTLMSSP).putInt(3);
        b.putShort((short) lm.length).putShort((short) lm.length).putInt(at); // LM
        at += lm.length;
        b.putShort((short) nt.length).putShort((short) nt.length).putInt(at); // NT
        at += nt.length;
        b.putShort((short) 0).putShort((short) 0).putInt(at); // domain
        b.putShort((short) u.length).putShort((short) u.length).putInt(at); // user
        at += u.length;
        b.putShort((short) 0).putShort((short) 0).putInt(at); // workstation
        b.putShort((short) 0).putShort((short) 0).putInt(at); // session key
        b.putInt(flags);
        b.put(lm).put(nt).put(u);
        return b.array();
    }

    @Override
    public void close() throws IOException {
        socket.close();
    }
}
