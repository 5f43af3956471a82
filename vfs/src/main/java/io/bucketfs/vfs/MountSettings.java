package io.bucketfs.vfs;

import java.time.Duration;
import java.util.Objects;

/**
 * Per-mount behaviour of the VFS.
 *
 * @param storeId        the name of the connection/bucket this mount serves (keys the cache)
 * @param prefix         the key prefix the mount exports ("" for the whole bucket, else ending with '/')
 * @param readOnly       refuse every change ({@link VfsStatus#READ_ONLY}); nothing is ever written to the bucket
 * @param durability     what "durable" means for COMMIT/FLUSH/FILE_SYNC writes
 * @param attrTtl        how long attributes learned from the bucket are trusted before a HEAD revalidates them
 * @param dirTtl         how long a directory listing is trusted before the bucket is listed again
 * @param defaultUid     owner of objects that carry none (written by other tools)
 * @param defaultGid     group of such objects
 * @param defaultFileMode permission bits of such files
 * @param defaultDirMode  permission bits of such directories (and of the root)
 */
public record MountSettings(String storeId, String prefix, boolean readOnly, Durability durability, Duration attrTtl,
                            Duration dirTtl, int defaultUid, int defaultGid, int defaultFileMode,
                            int defaultDirMode) {

    /** Where acknowledged writes must be before COMMIT/FLUSH returns. */
    public enum Durability {
        /** fsynced to the cache disk and journaled; uploaded in the background. */
        LOCAL,
        /** in the bucket. */
        OBJECT_STORE
    }

    public MountSettings {
        Objects.requireNonNull(storeId, "storeId");
        Objects.requireNonNull(prefix, "prefix");
        Objects.requireNonNull(durability, "durability");
        Objects.requireNonNull(attrTtl, "attrTtl");
        Objects.requireNonNull(dirTtl, "dirTtl");
        if (!prefix.isEmpty() && !prefix.endsWith("/")) {
            throw new IllegalArgumentException("prefix: must be empty or end with '/': " + prefix);
        }
        if (prefix.startsWith("/")) {
            throw new IllegalArgumentException("prefix: must not start with '/': " + prefix);
        }
    }

    /** Defaults: read-write, local durability, 30 s attribute and listing TTLs, root-owned 0644/0755. */
    public static MountSettings defaults(String storeId) {
        return new MountSettings(storeId, "", false, Durability.LOCAL, Duration.ofSeconds(30), Duration.ofSeconds(30),
                0, 0, 0644, 0755);
    }

    public MountSettings withPrefix(String p) {
        return new MountSettings(storeId, p, readOnly, durability, attrTtl, dirTtl, defaultUid, defaultGid,
                defaultFileMode, defaultDirMode);
    }

    public MountSettings withReadOnly(boolean ro) {
        return new MountSettings(storeId, prefix, ro, durability, attrTtl, dirTtl, defaultUid, defaultGid,
                defaultFileMode, defaultDirMode);
    }

    public MountSettings withDurability(Durability d) {
        return new MountSettings(storeId, prefix, readOnly, d, attrTtl, dirTtl, defaultUid, defaultGid,
                defaultFileMode, defaultDirMode);
    }

    public MountSettings withTtls(Duration attr, Duration dir) {
        return new MountSettings(storeId, prefix, readOnly, durability, attr, dir, defaultUid, defaultGid,
                defaultFileMode, defaultDirMode);
    }
}
