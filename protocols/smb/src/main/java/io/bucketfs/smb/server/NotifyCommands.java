package io.bucketfs.smb.server;

import io.bucketfs.smb.mssmb2.NtStatus;
import io.bucketfs.smb.mssmb2.Request;
import io.bucketfs.smb.mssmb2.SmbProtocolException;

/**
 * [MS-SMB2] 3.3.5.19 CHANGE_NOTIFY over the VFS directory watches ({@link io.bucketfs.vfs.watch.DirWatches}), so
 * a change made through NFS completes an SMB client's notify too. The first request on a directory open starts
 * watching it (with its subtree when WATCH_TREE); the watch lasts as long as the open ({@link DirNotify}).
 * Changes found in the bucket by revalidation (another writer of the bucket) are not reported.
 */
final class NotifyCommands {
    /** [MS-SMB2] 2.2.35 Flags. */
    static final int WATCH_TREE = 0x0001;

    private final SmbServer server;

    NotifyCommands(SmbServer server) {
        this.server = server;
    }

    /**
     * 2.2.35 request: StructureSize 32, Flags, OutputBufferLength, FileId, CompletionFilter, Reserved. Answers at
     * once with changes buffered since the previous request, else STATUS_PENDING until a change arrives.
     */
    int changeNotify(Exchange x) throws SmbProtocolException {
        Request r = x.req;
        r.expectStructure(32);
        int flags = r.body16(2);
        long outputLength = r.bodyU32(4);
        Open o = x.open(8);
        int filter = r.body32(24);
        if (!o.directory || outputLength > server.settings().maxIoBytes()) {
            return NtStatus.INVALID_PARAMETER;
        }
        if ((o.access & AccessRights.FILE_READ_DATA) == 0) {
            return NtStatus.ACCESS_DENIED; // FILE_LIST_DIRECTORY, the same bit on a directory
        }
        DirNotify n = DirNotify.of(o, x.session, (flags & WATCH_TREE) != 0);
        if (n == null) {
            return NtStatus.NOTIFY_CLEANUP; // the open is being closed
        }
        return n.request(x, filter, (int) outputLength, x.header().nextCommand == 0);
    }
}
