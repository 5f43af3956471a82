package io.bucketfs.smb.server;

import io.bucketfs.smb.mssmb2.Request;
import io.bucketfs.smb.mssmb2.Smb2Command;
import io.bucketfs.smb.mssmb2.SmbProtocolException;

/**
 * [MS-SMB2] 3.3.5.2.5 the CreditCharge a multi-credit request must pay: one credit per 64 KiB of the larger of
 * what it sends and what it may get back, for the commands that move payloads (READ, WRITE, IOCTL,
 * QUERY_DIRECTORY, CHANGE_NOTIFY, QUERY_INFO, SET_INFO); 1 for the others.
 */
final class CreditCharge {
    static final long CREDIT_BYTES = 65536;

    private CreditCharge() {
    }

    /** The credits {@code r} must be charged; a body too short to tell is left to its command to refuse. */
    static long required(Request r) {
        try {
            long size = switch (r.header.command) {
                case Smb2Command.READ -> r.bodyU32(4); // Length
                case Smb2Command.WRITE -> r.bodyU32(4); // Length
                case Smb2Command.IOCTL -> Math.max(r.bodyU32(28) + r.bodyU32(40), // InputCount + OutputCount
                        r.bodyU32(32) + r.bodyU32(44)); // MaxInputResponse + MaxOutputResponse
                case Smb2Command.QUERY_DIRECTORY -> Math.max(r.body16(26), r.bodyU32(28)); // name, output
                case Smb2Command.CHANGE_NOTIFY -> r.bodyU32(4); // OutputBufferLength
                case Smb2Command.QUERY_INFO -> Math.max(r.bodyU32(4), r.bodyU32(12)); // output, input
                case Smb2Command.SET_INFO -> r.bodyU32(4); // BufferLength
                default -> 0;
            };
            return size == 0 ? 1 : (size - 1) / CREDIT_BYTES + 1;
        } catch (SmbProtocolException e) {
            return 1;
        }
    }
}
