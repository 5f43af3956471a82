package io.bucketfs.cache.write;

/**
 * A point-in-time view of a {@link WriteBack}.
 *
 * @param dirtyBytes    staged bytes of files whose latest commit is not yet in the bucket
 * @param stagingBytes  bytes accounted against {@link WriteBackSettings#maxStagingBytes()} (staged data of every
 *                      staged file, clean or dirty, plus copies kept for uploads in flight)
 * @param stagedFiles   files with staging state (open handles, pending uploads, or both)
 * @param uploadQueue   files with a committed generation not yet in the bucket
 * @param bytesUploaded bytes sent to stores since open (whole objects and parts; retries count again)
 * @param conflicts     uploads diverted to a conflict copy since open
 */
public record WriteBackStats(long dirtyBytes, long stagingBytes, int stagedFiles, int uploadQueue,
                            long bytesUploaded, long conflicts) {
}
