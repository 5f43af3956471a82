package io.bucketfs.vfs;

/**
 * The outcome of a read.
 *
 * @param count bytes placed in the buffer (fewer than asked only at end of file)
 * @param eof   whether the read reached the end of the file
 */
public record ReadResult(int count, boolean eof) {
}
