package io.bucketfs.vfs;

/**
 * File-system statistics. Object stores have no fixed capacity: totals are reported as a large configured
 * figure, free space as that minus what the gateway knows is used.
 *
 * @param totalBytes capacity reported to clients
 * @param freeBytes  free space reported to clients
 * @param totalFiles file slots reported
 * @param freeFiles  free file slots
 * @param maxName    longest name in UTF-8 bytes
 * @param maxFileSize largest file
 */
public record FsStat(long totalBytes, long freeBytes, long totalFiles, long freeFiles, int maxName,
                     long maxFileSize) {
}
