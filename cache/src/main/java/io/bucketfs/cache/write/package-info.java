/**
 * Crash-safe write staging and upload: {@link io.bucketfs.cache.write.WriteBack} stages files written by clients
 * on the cache disk and uploads each as one object, with commit durability (local or object store), a sync
 * barrier, conditional uploads with conflict copies, multipart uploads that start while a file is written,
 * back-pressure and recovery after a crash. Knows nothing of protocols; the VFS maps its exceptions.
 */
package io.bucketfs.cache.write;
