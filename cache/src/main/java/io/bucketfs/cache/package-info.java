/**
 * The chunk cache on local NVMe: chunks keyed by (object key, ETag, index), capacity-bounded eviction,
 * single-flight misses, sequential read-ahead and crash-safe write staging and upload. Knows nothing of
 * protocols. Not yet implemented: see the VFS/cache issue.
 */
package io.bucketfs.cache;
