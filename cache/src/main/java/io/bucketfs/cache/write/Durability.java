package io.bucketfs.cache.write;

/** What {@link StagedFile#commit} waits for: the mount's durability policy (ARCHITECTURE.md, Durability of data). */
public enum Durability {
    /**
     * The staged data and its manifest are fsynced on the cache disk; the upload follows in the background and is
     * redone after a crash.
     */
    LOCAL,
    /** The committed content is in the bucket (at its key, or at a conflict copy reported to the listener). */
    OBJECT_STORE
}
