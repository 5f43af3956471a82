/**
 * The read cache on local NVMe, shared by every client of every protocol. Knows nothing of protocols.
 *
 * <ul>
 *   <li>{@link io.bucketfs.cache.ChunkCache}: chunks keyed by (store, object key, ETag, index) in files of a local
 *       directory; capacity-bounded eviction ({@link io.bucketfs.cache.CacheSettings.Eviction}), single-flight
 *       misses, If-Match-pinned ranged GETs, CRC32C per chunk, warm across restart, adoption of uploaded files.</li>
 *   <li>{@link io.bucketfs.cache.CachedReader}: one open file's reader with sequential read-ahead under a global
 *       byte budget.</li>
 *   <li>{@link io.bucketfs.cache.ObjectVersion}, {@link io.bucketfs.cache.ObjectChangedException},
 *       {@link io.bucketfs.cache.CacheSettings}, {@link io.bucketfs.cache.CacheStats},
 *       {@link io.bucketfs.cache.CacheListener}.</li>
 * </ul>
 * Write staging and upload live in {@code io.bucketfs.cache.write}.
 */
package io.bucketfs.cache;
