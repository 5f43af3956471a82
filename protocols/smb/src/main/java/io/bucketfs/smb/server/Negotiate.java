package io.bucketfs.smb.server;

import io.bucketfs.smb.mssmb2.Dialect;
import io.bucketfs.smb.mssmb2.NtStatus;
import io.bucketfs.smb.mssmb2.Request;
import io.bucketfs.smb.mssmb2.Smb2Crypto;
import io.bucketfs.smb.mssmb2.Smb2Header;
import io.bucketfs.smb.mssmb2.SmbProtocolException;
import io.bucketfs.smb.ntlm.NtlmServer;
import io.netty.buffer.ByteBuf;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;

/**
 * [MS-SMB2] 3.3.5.4 NEGOTIATE: request 2.2.3, response 2.2.4, negotiate contexts 2.2.3.1 (preauth integrity,
 * encryption, signing; others ignored).
 */
final class Negotiate {
    static final int SECURITY_SIGNING_ENABLED = 0x1;
    static final int SECURITY_SIGNING_REQUIRED = 0x2;
    static final int CAP_LEASING = 0x2;
    static final int CAP_LARGE_MTU = 0x4;
    static final int CAP_ENCRYPTION = 0x40;
    static final int CTX_PREAUTH = 1;
    static final int CTX_ENCRYPTION = 2;
    static final int CTX_SIGNING = 8;
    static final int HASH_SHA512 = 1;
    /** The ciphers spoken; the client's order of preference decides among them. */
    static final int[] CIPHERS = {Smb2Crypto.CIPHER_AES_128_GCM, Smb2Crypto.CIPHER_AES_128_CCM,
        Smb2Crypto.CIPHER_AES_256_GCM, Smb2Crypto.CIPHER_AES_256_CCM};
    /** The signing algorithms spoken on 3.1.1; the client's order of preference decides among them. */
    static final int[] SIGNING = {Smb2Crypto.SIGNING_AES_GMAC, Smb2Crypto.SIGNING_AES_CMAC,
        Smb2Crypto.SIGNING_HMAC_SHA256};

    /** A negotiate context of the response: type and data. */
    record Context(int type, byte[] data) {
    }

    private Negotiate() {
    }

    static int handle(SmbServer server, Exchange x) throws SmbProtocolException {
        SmbConnection c = x.conn;
        Request r = x.req;
        if (c.dialect >= 0) {
            throw new SmbProtocolException(NtStatus.INVALID_PARAMETER, "second NEGOTIATE", true);
        }
        r.expectStructure(36);
        int count = r.body16(2);
        if (count == 0) {
            return NtStatus.INVALID_PARAMETER;
        }
        int[] offered = new int[count];
        for (int i = 0; i < count; i++) {
            offered[i] = r.body16(36 + 2 * i);
        }
        int dialect = -1;
        for (int d : Dialect.SUPPORTED) {
            for (int o : offered) {
                if (o == d && dialect < 0) {
                    dialect = d;
                }
            }
        }
        if (dialect < 0) {
            return NtStatus.NOT_SUPPORTED;
        }
        c.clientSecurityMode = r.body16(4);
        c.clientCapabilities = r.body32(8);
        c.clientGuid = r.bytes(Smb2Header.SIZE + 12, 16);
        c.clientDialects = offered;
        List<Context> contexts = new ArrayList<>();
        c.signingAlgorithm = Dialect.isSmb3(dialect) ? Smb2Crypto.SIGNING_AES_CMAC : Smb2Crypto.SIGNING_HMAC_SHA256;
        if (dialect == Dialect.SMB_3_1_1) {
            contexts = contexts(server, c, r);
            c.preauthHash = Commands.sha512Of(Commands.zeros64(), r.message());
        } else if (Dialect.isSmb3(dialect) && (c.clientCapabilities & CAP_ENCRYPTION) != 0) {
            c.cipher = Smb2Crypto.CIPHER_AES_128_CCM;
        }
        int caps = dialect == Dialect.SMB_2_0_2 ? 0 : CAP_LARGE_MTU | CAP_LEASING;
        if (c.cipher != 0 && dialect != Dialect.SMB_3_1_1) {
            caps |= CAP_ENCRYPTION;
        }
        c.serverCapabilities = caps;
        c.serverSecurityMode = SECURITY_SIGNING_ENABLED
                | (server.settings().signing().requiredFor(dialect) ? SECURITY_SIGNING_REQUIRED : 0);
        int max = dialect == Dialect.SMB_2_0_2 ? 65536 : server.settings().maxIoBytes();
        c.dialect = dialect;
        encode(x.out, c.serverSecurityMode, dialect, server.serverGuid(), caps, max,
                NtlmServer.filetime(Instant.now()), 0, Spnego.negTokenInit(server.authenticators().oids()), contexts);
        return NtStatus.SUCCESS;
    }

    /** Parses the 3.1.1 contexts, choosing the hash, cipher and signing algorithm; builds the answers. */
    private static List<Context> contexts(SmbServer server, SmbConnection c, Request r)
            throws SmbProtocolException {
        long at = r.bodyU32(28);
        int n = r.body16(32);
        boolean preauth = false;
        List<Context> out = new ArrayList<>();
        for (int i = 0; i < n; i++) {
            at = (at + 7) & ~7L;
            int type = r.u16((int) at);
            int len = r.u16((int) at + 2);
            byte[] data = r.bytes(at + 8, len);
            java.nio.ByteBuffer d = java.nio.ByteBuffer.wrap(data).order(java.nio.ByteOrder.LITTLE_ENDIAN);
            if (type == CTX_PREAUTH) {
                if (len < 4 || len < 4 + 2 * (d.getShort(0) & 0xFFFF)) {
                    throw SmbProtocolException.invalid("bad preauth context");
                }
                for (int k = 0; k < (d.getShort(0) & 0xFFFF); k++) {
                    preauth |= (d.getShort(4 + 2 * k) & 0xFFFF) == HASH_SHA512;
                }
                byte[] salt = new byte[32];
                server.random().nextBytes(salt);
                java.nio.ByteBuffer p = java.nio.ByteBuffer.allocate(6 + 32).order(java.nio.ByteOrder.LITTLE_ENDIAN);
                p.putShort((short) 1).putShort((short) 32).putShort((short) HASH_SHA512).put(salt);
                out.add(new Context(CTX_PREAUTH, p.array()));
            } else if (type == CTX_ENCRYPTION) {
                int cipher = choose(d, len, CIPHERS);
                c.cipher = cipher < 0 ? 0 : cipher; // 0: no common cipher, answered as such
                out.add(new Context(CTX_ENCRYPTION, new byte[] {1, 0, (byte) c.cipher, (byte) (c.cipher >> 8)}));
            } else if (type == CTX_SIGNING) {
                int alg = choose(d, len, SIGNING);
                c.signingAlgorithm = alg < 0 ? Smb2Crypto.SIGNING_AES_CMAC : alg;
                out.add(new Context(CTX_SIGNING, new byte[] {1, 0, (byte) c.signingAlgorithm, 0}));
            }
            at += 8 + len;
        }
        if (!preauth) {
            throw SmbProtocolException.invalid("3.1.1 NEGOTIATE without SHA-512 preauth integrity");
        }
        return out;
    }

    /**
     * The first id of a count + array context (the client's most preferred first) that is in {@code spoken};
     * -1 when none is.
     */
    private static int choose(java.nio.ByteBuffer d, int len, int[] spoken) throws SmbProtocolException {
        if (len < 2 || len < 2 + 2 * (d.getShort(0) & 0xFFFF)) {
            throw SmbProtocolException.invalid("bad negotiate context");
        }
        int n = d.getShort(0) & 0xFFFF;
        for (int k = 0; k < n; k++) {
            int offered = d.getShort(2 + 2 * k) & 0xFFFF;
            for (int s : spoken) {
                if (s == offered) {
                    return offered;
                }
            }
        }
        return -1;
    }

    /** Writes the 2.2.4 response body (after the 64-byte header) with its security buffer and contexts. */
    static void encode(ByteBuf out, int securityMode, int dialect, byte[] guid, int caps, int maxSize,
                       long systemTime, long startTime, byte[] securityBlob, List<Context> contexts) {
        int secOffset = Smb2Header.SIZE + 64;
        int ctxOffset = contexts.isEmpty() ? 0 : (secOffset + securityBlob.length + 7) & ~7;
        out.writeShortLE(65);
        out.writeShortLE(securityMode);
        out.writeShortLE(dialect);
        out.writeShortLE(contexts.size());
        out.writeBytes(guid);
        out.writeIntLE(caps);
        out.writeIntLE(maxSize);
        out.writeIntLE(maxSize);
        out.writeIntLE(maxSize);
        out.writeLongLE(systemTime);
        out.writeLongLE(startTime);
        out.writeShortLE(secOffset);
        out.writeShortLE(securityBlob.length);
        out.writeIntLE(ctxOffset);
        out.writeBytes(securityBlob);
        for (int i = 0; i < contexts.size(); i++) {
            while ((out.writerIndex() & 7) != 0) {
                out.writeByte(0);
            }
            Context ctx = contexts.get(i);
            out.writeShortLE(ctx.type());
            out.writeShortLE(ctx.data().length);
            out.writeIntLE(0);
            out.writeBytes(ctx.data());
        }
    }
}
