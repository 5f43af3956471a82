package io.bucketfs.smb.server;

import io.bucketfs.smb.mssmb2.NtStatus;
import io.bucketfs.smb.mssmb2.Smb2Crypto;
import io.bucketfs.smb.mssmb2.SmbProtocolException;
import io.netty.buffer.ByteBuf;
import io.netty.buffer.Unpooled;

/**
 * [MS-SMB2] 2.2.41 SMB2 TRANSFORM_HEADER and 3.3.4.1.4 / 3.3.5.2.1.1 encryption and decryption of whole
 * (compound) messages. The AAD is the header from Nonce to SessionId; the nonce is the session's counter.
 */
final class Transform {
    static final int PROTOCOL_ID = 0x424D53FD;
    static final int SIZE = 52;

    record Decrypted(Session session, byte[] plain) {
    }

    private Transform() {
    }

    static Decrypted decrypt(SmbConnection conn, ByteBuf frame) throws SmbProtocolException {
        int at = frame.readerIndex();
        if (frame.readableBytes() < SIZE + 64) {
            throw new SmbProtocolException(NtStatus.INVALID_PARAMETER, "truncated transform header", true);
        }
        long size = frame.getIntLE(at + 36) & 0xFFFFFFFFL;
        long sessionId = frame.getLongLE(at + 44);
        Session s = conn.sessions.get(sessionId);
        if (size != frame.readableBytes() - SIZE || s == null || s.decryptionKey == null || conn.cipher == 0) {
            throw new SmbProtocolException(NtStatus.ACCESS_DENIED, "undecryptable transform", true);
        }
        byte[] tag = new byte[16];
        frame.getBytes(at + 4, tag);
        byte[] nonce = new byte[16];
        frame.getBytes(at + 20, nonce);
        byte[] aad = new byte[32];
        frame.getBytes(at + 20, aad);
        byte[] cipherText = new byte[(int) size];
        frame.getBytes(at + SIZE, cipherText);
        byte[] plain = Smb2Crypto.decrypt(conn.cipher, s.decryptionKey, nonce, aad, cipherText, tag);
        if (plain == null) {
            throw new SmbProtocolException(NtStatus.ACCESS_DENIED, "transform does not authenticate", true);
        }
        checkSessionIds(plain, sessionId);
        return new Decrypted(s, plain);
    }

    /**
     * [MS-SMB2] 3.3.5.2.1.1: the requests a session's key sealed must be that session's. Every request of the
     * decrypted (compound) message that is not related (a related one inherits the previous one's session) must
     * name the transform header's SessionId; another one ends the connection, else a client could have session
     * B's requests run on the strength of session A's key. A chain that does not parse is left to the parser.
     */
    static void checkSessionIds(byte[] plain, long sessionId) throws SmbProtocolException {
        java.nio.ByteBuffer b = java.nio.ByteBuffer.wrap(plain).order(java.nio.ByteOrder.LITTLE_ENDIAN);
        int at = 0;
        while (at + 64 <= plain.length) {
            boolean related = (b.getInt(at + 16) & 0x4) != 0;
            if (!related && b.getLong(at + 40) != sessionId) {
                throw new SmbProtocolException(NtStatus.ACCESS_DENIED, "request of session "
                        + Long.toHexString(b.getLong(at + 40)) + " sealed by session " + Long.toHexString(sessionId),
                        true);
            }
            int next = b.getInt(at + 20);
            if (next <= 0 || next > plain.length - at) {
                return;
            }
            at += next;
        }
    }

    static ByteBuf encrypt(SmbConnection conn, Session s, ByteBuf message) {
        byte[] plain = new byte[message.readableBytes()];
        message.getBytes(message.readerIndex(), plain);
        message.release();
        ByteBuf h = Unpooled.buffer(SIZE);
        h.writeIntLE(PROTOCOL_ID);
        h.writeZero(16);
        byte[] nonce = new byte[16];
        long n = s.nonceCounter.incrementAndGet();
        for (int i = 0; i < 8; i++) {
            nonce[i] = (byte) (n >>> (8 * i));
        }
        h.writeBytes(nonce);
        h.writeIntLE(plain.length);
        h.writeShortLE(0);
        h.writeShortLE(1);
        h.writeLongLE(s.id);
        byte[] aad = new byte[32];
        h.getBytes(20, aad);
        byte[] tag = new byte[16];
        byte[] cipherText = Smb2Crypto.encrypt(conn.cipher, s.encryptionKey, nonce, aad, plain, tag);
        h.setBytes(4, tag);
        return Unpooled.wrappedBuffer(h, Unpooled.wrappedBuffer(cipherText));
    }
}
