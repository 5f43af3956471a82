package io.bucketfs.vfs;

/**
 * The outcome of a write.
 *
 * @param count     bytes written (all of them; short writes do not happen)
 * @param stability how durable they are now (at least what was asked)
 * @param verifier  changes when the gateway restarts, so that clients resend uncommitted UNSTABLE writes
 * @param attr      the file's attributes after the write
 */
public record WriteResult(int count, Stability stability, long verifier, Attr attr) {
}
