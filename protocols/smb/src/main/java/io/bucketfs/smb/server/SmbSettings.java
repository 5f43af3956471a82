package io.bucketfs.smb.server;

/**
 * Limits and policy of the SMB server.
 *
 * @param maxIoBytes MaxReadSize, MaxWriteSize and MaxTransactSize announced in NEGOTIATE (2.1 and later; 2.0.2
 *     gets 65536); a READ or WRITE above it is refused
 * @param maxFrameBytes the largest Direct TCP frame accepted; a longer length prefix closes the connection.
 *     Must exceed {@code maxIoBytes} by the headers of a compound and a transform header
 * @param workerThreads the worker pool running commands (the event loop never calls the VFS)
 * @param maxCredits the most credits (granted, unused MessageIds) a client holds on a connection: each response
 *     grants what its request asks for up to this; {@value #DEFAULT_MAX_CREDITS} by default, as Windows and Samba
 * @param signing which sessions must sign (SIGNING_REQUIRED in NEGOTIATE, unsigned requests refused):
 *     {@link Signing#SMB3} by default
 * @param encryptData every session encrypts (SMB 3.x); older dialects are refused when set
 * @param serverName the NetBIOS name in NTLM's target info
 */
public record SmbSettings(int maxIoBytes, int maxFrameBytes, int workerThreads, int maxCredits,
                          Signing signing, boolean encryptData, String serverName) {
    public static final int DEFAULT_MAX_IO_BYTES = 1 << 20;
    public static final int DEFAULT_MAX_FRAME_BYTES = DEFAULT_MAX_IO_BYTES + (64 << 10);
    public static final int DEFAULT_WORKER_THREADS = 8;
    public static final int DEFAULT_MAX_CREDITS = 8192;
    public static final SmbSettings DEFAULTS = new SmbSettings(DEFAULT_MAX_IO_BYTES, DEFAULT_MAX_FRAME_BYTES,
            DEFAULT_WORKER_THREADS, DEFAULT_MAX_CREDITS, Signing.SMB3, false, "BUCKETFS");

    /**
     * Which sessions must sign ([MS-SMB2] 3.3.5.4 SIGNING_REQUIRED, 3.3.5.2.4): an unsigned request on such a
     * session (after SESSION_SETUP; ECHO aside) is ACCESS_DENIED. Encrypted requests need no signature.
     */
    public enum Signing {
        /** Only sessions whose client asks for signing (SMB2_NEGOTIATE_SIGNING_REQUIRED in its SESSION_SETUP). */
        OPTIONAL,
        /** SMB 3.0, 3.0.2 and 3.1.1 sessions always; 2.0.2 and 2.1 ones as the client asks. The default. */
        SMB3,
        /** Every session, whatever its dialect. */
        REQUIRED;

        /** Whether a session of {@code dialect} must sign. */
        public boolean requiredFor(int dialect) {
            return this == REQUIRED || (this == SMB3 && io.bucketfs.smb.mssmb2.Dialect.isSmb3(dialect));
        }

        /** Parses {@code optional}, {@code smb3} or {@code required} (any case). */
        public static Signing parse(String s) {
            try {
                return valueOf(s.trim().toUpperCase(java.util.Locale.ROOT));
            } catch (IllegalArgumentException e) {
                throw new IllegalArgumentException("'" + s + "' is not one of optional, smb3, required");
            }
        }
    }

    public SmbSettings {
        if (maxIoBytes < 65536 || maxFrameBytes < maxIoBytes + 4096 || workerThreads < 1 || maxCredits < 1
                || signing == null) {
            throw new IllegalArgumentException("bad SMB settings");
        }
    }

    /**
     * The largest {@code maxIoBytes} {@link #withLimits} accepts: 8 MiB, the most Windows servers offer (a frame
     * must also stay under Direct TCP's 24-bit length).
     */
    public static final int MAX_IO_BYTES_LIMIT = 8 << 20;

    /**
     * These settings with other limits: MaxRead/Write/TransactSize {@code maxIoBytes} (64 KiB to
     * {@value #MAX_IO_BYTES_LIMIT}; the largest frame follows it, {@code maxIoBytes} + 64 KiB), the worker pool's
     * threads and the credits a client may hold. A value out of range is an IllegalArgumentException naming it.
     */
    public SmbSettings withLimits(int maxIoBytes, int workerThreads, int maxCredits) {
        if (maxIoBytes < 65536 || maxIoBytes > MAX_IO_BYTES_LIMIT) {
            throw new IllegalArgumentException("max I/O size must be 64KiB to 8MiB, not " + maxIoBytes);
        }
        if (workerThreads < 1 || workerThreads > 1024) {
            throw new IllegalArgumentException("worker threads must be 1 to 1024, not " + workerThreads);
        }
        if (maxCredits < 16 || maxCredits > 65535) {
            throw new IllegalArgumentException("max credits must be 16 to 65535, not " + maxCredits);
        }
        return new SmbSettings(maxIoBytes, maxIoBytes + (64 << 10), workerThreads, maxCredits, signing, encryptData,
                serverName);
    }

    public SmbSettings withSigning(Signing v) {
        return new SmbSettings(maxIoBytes, maxFrameBytes, workerThreads, maxCredits, v, encryptData, serverName);
    }

    public SmbSettings withEncryptData(boolean v) {
        return new SmbSettings(maxIoBytes, maxFrameBytes, workerThreads, maxCredits, signing, v, serverName);
    }
}
