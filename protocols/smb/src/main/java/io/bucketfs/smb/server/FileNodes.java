package io.bucketfs.smb.server;

import java.util.HashMap;
import java.util.HashSet;
import java.util.Map;
import java.util.Set;

/**
 * Server-wide per-file SMB state beside the VFS lock manager: which SMB opens a file has (for oplock breaks,
 * change notifications and the rename checks of [MS-FSA] 2.1.5.14.11). Whether a file is delete-pending, and its
 * removal at the last close of any protocol's open, are the VFS's ({@code Vfs.setDeletePending}). Thread-safe.
 */
final class FileNodes {
    private static final class Node {
        final Set<Open> opens = new HashSet<>();
    }

    private final Map<Long, Node> nodes = new HashMap<>();

    synchronized void opened(long fileId, Open o) {
        nodes.computeIfAbsent(fileId, k -> new Node()).opens.add(o);
    }

    /**
     * Whether some open of {@code share} is of a file below the directory at {@code dirPath} (share-relative,
     * '\\'-separated, not empty): such a directory may not be renamed ([MS-FSA] 2.1.5.14.11).
     */
    synchronized boolean hasOpenBelow(Share share, String dirPath) {
        String prefix = dirPath + "\\";
        for (Node n : nodes.values()) {
            for (Open o : n.opens) {
                if (o.tree.share().equals(share) && o.path.startsWith(prefix)) {
                    return true;
                }
            }
        }
        return false;
    }

    /** The SMB opens of a file (a copy). */
    synchronized java.util.List<Open> opens(long fileId) {
        Node n = nodes.get(fileId);
        return n == null ? java.util.List.of() : java.util.List.copyOf(n.opens);
    }

    /** Whether an open of the file holds a BATCH oplock (a sharing violation breaks it first, 3.3.5.9). */
    synchronized boolean hasBatchOplock(long fileId) {
        Node n = nodes.get(fileId);
        if (n == null) {
            return false;
        }
        for (Open o : n.opens) {
            synchronized (o) {
                if (o.oplockLevel == Oplocks.BATCH) {
                    return true;
                }
            }
        }
        return false;
    }

    /** Whether the file has an SMB open. */
    synchronized boolean isOpen(long fileId) {
        return nodes.containsKey(fileId);
    }

    /** Records a close. */
    synchronized void closed(long fileId, Open o) {
        Node n = nodes.get(fileId);
        if (n == null) {
            return;
        }
        n.opens.remove(o);
        if (n.opens.isEmpty()) {
            nodes.remove(fileId);
        }
    }
}
