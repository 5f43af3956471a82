package io.bucketfs.smb.server;

import java.util.HashMap;
import java.util.Map;

/**
 * Server-wide per-file SMB state beside the VFS lock manager: how many SMB opens a file has and whether it is
 * delete-pending ([MS-FSA] 2.1.5.4: the last close of a delete-pending file removes it). Thread-safe.
 */
final class FileNodes {
    private static final class Node {
        int opens;
        boolean deletePending;
    }

    private final Map<Long, Node> nodes = new HashMap<>();

    synchronized void opened(long fileId) {
        nodes.computeIfAbsent(fileId, k -> new Node()).opens++;
    }

    synchronized boolean isDeletePending(long fileId) {
        Node n = nodes.get(fileId);
        return n != null && n.deletePending;
    }

    synchronized void setDeletePending(long fileId, boolean pending) {
        Node n = nodes.get(fileId);
        if (n != null) {
            n.deletePending = pending;
        }
    }

    /** Records a close; true when it was the last open of a delete-pending file (the caller removes it). */
    synchronized boolean closed(long fileId) {
        Node n = nodes.get(fileId);
        if (n == null) {
            return false;
        }
        if (--n.opens > 0) {
            return false;
        }
        nodes.remove(fileId);
        return n.deletePending;
    }
}
