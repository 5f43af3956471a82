package io.bucketfs.vfs;

/**
 * One entry of a directory listing.
 *
 * @param name   the entry's name (never "." or "..")
 * @param cookie pass it to {@link Vfs#readdir} to continue after this entry
 * @param handle the entry's handle
 * @param attr   its attributes
 */
public record DirEntry(String name, long cookie, FileHandle handle, Attr attr) {
}
