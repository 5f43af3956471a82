package io.bucketfs.vfs;

/**
 * How {@link Vfs#create} treats an existing name.
 * <ul>
 *   <li>{@link #UNCHECKED}: open the existing file (applying the size in the initial attributes, e.g. O_TRUNC).</li>
 *   <li>{@link #GUARDED}: fail with {@link VfsStatus#EXISTS} (O_EXCL).</li>
 *   <li>{@link #EXCLUSIVE}: fail with EXISTS unless the existing file was created by a create carrying the same
 *       verifier (an NFS retransmission), which then succeeds again.</li>
 * </ul>
 */
public enum CreateMode {
    UNCHECKED,
    GUARDED,
    EXCLUSIVE
}
