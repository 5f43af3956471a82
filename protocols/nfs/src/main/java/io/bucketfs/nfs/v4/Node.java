package io.bucketfs.nfs.v4;

import io.bucketfs.nfs.NfsFileHandles;
import io.bucketfs.nfs.export.Export;
import io.bucketfs.vfs.FileHandle;
import io.bucketfs.vfs.Vfs;

/**
 * A file a handle names: the pseudo root ({@code export == null}) or a file of an export.
 *
 * @param export the export, null for the pseudo root
 * @param handle the VFS handle (unused for the pseudo root)
 */
public record Node(Export export, FileHandle handle) {

    public static final Node PSEUDO_ROOT = new Node(null, new FileHandle(0, 0));

    public boolean isPseudoRoot() {
        return export == null;
    }

    public Vfs vfs() {
        return export.vfs();
    }

    /** Whether this is the root directory of its export. */
    public boolean isExportRoot() {
        return export != null && handle.equals(export.vfs().root());
    }

    public byte[] fh() {
        return export == null ? NfsFileHandles.pseudoRoot() : NfsFileHandles.encode(export.id(), handle);
    }
}
