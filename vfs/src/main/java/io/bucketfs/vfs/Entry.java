package io.bucketfs.vfs;

/** A file found or made by lookup/create/mkdir/symlink: its handle and its attributes at that moment. */
public record Entry(FileHandle handle, Attr attr) {
}
