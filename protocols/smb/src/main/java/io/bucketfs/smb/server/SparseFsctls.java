package io.bucketfs.smb.server;

import io.bucketfs.smb.mssmb2.NtStatus;
import io.bucketfs.smb.mssmb2.SmbProtocolException;
import io.bucketfs.vfs.VfsException;

/** Sparse-file FSCTLs ([MS-FSCC] 2.3): none yet. */
final class SparseFsctls {
    static boolean handles(int code) {
        return false;
    }

    int handle(Exchange x, Open o, int code) throws SmbProtocolException, VfsException {
        return NtStatus.NOT_SUPPORTED;
    }
}
