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
 * @param requireSigning SIGNING_REQUIRED in NEGOTIATE: every session signs
 * @param encryptData every session encrypts (SMB 3.x); older dialects are refused when set
 * @param serverName the NetBIOS name in NTLM's target info
 */
public record SmbSettings(int maxIoBytes, int maxFrameBytes, int workerThreads, int maxCredits,
                          boolean requireSigning, boolean encryptData, String serverName) {
    public static final int DEFAULT_MAX_IO_BYTES = 1 << 20;
    public static final int DEFAULT_MAX_FRAME_BYTES = DEFAULT_MAX_IO_BYTES + (64 << 10);
    public static final int DEFAULT_WORKER_THREADS = 8;
    public static final int DEFAULT_MAX_CREDITS = 8192;
    public static final SmbSettings DEFAULTS = new SmbSettings(DEFAULT_MAX_IO_BYTES, DEFAULT_MAX_FRAME_BYTES,
            DEFAULT_WORKER_THREADS, DEFAULT_MAX_CREDITS, false, false, "BUCKETFS");

    public SmbSettings {
        if (maxIoBytes < 65536 || maxFrameBytes < maxIoBytes + 4096 || workerThreads < 1 || maxCredits < 1) {
            throw new IllegalArgumentException("bad SMB settings");
        }
    }

    public SmbSettings withRequireSigning(boolean v) {
        return new SmbSettings(maxIoBytes, maxFrameBytes, workerThreads, maxCredits, v, encryptData, serverName);
    }

    public SmbSettings withEncryptData(boolean v) {
        return new SmbSettings(maxIoBytes, maxFrameBytes, workerThreads, maxCredits, requireSigning, v, serverName);
    }
}
