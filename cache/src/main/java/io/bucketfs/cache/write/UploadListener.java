package io.bucketfs.cache.write;

import io.bucketfs.backends.ObjectInfo;
import io.bucketfs.backends.ObjectStoreException;

/**
 * Told about uploads as they end. Called from upload threads, never while a lock of the write-back is held, and
 * before the {@link StagedFile#commit} futures waiting for that upload complete; must not block for long. An
 * exception thrown here is logged and otherwise ignored.
 */
public interface UploadListener {

    /** A listener that ignores everything. */
    UploadListener NONE = new UploadListener() {
    };

    /** A generation of the staged file is now the object at {@code key}, described by {@code info}. */
    default void onUploaded(String storeId, String key, ObjectInfo info) {
    }

    /**
     * The upload to {@code key} failed its {@link WriteCondition} (the object was changed or removed out of band),
     * so the staged content was written to {@code conflictKey} instead; the staged file now targets
     * {@code conflictKey} and later commits update that object. Nothing at {@code key} was touched.
     */
    default void onConflict(String storeId, String key, String conflictKey) {
    }

    /**
     * An upload to {@code key} failed after the store's own retries. The staged data is kept and the upload is
     * tried again after a backoff ({@link WriteBackSettings#retryInitialBackoff()}): this is a report, not an end.
     */
    default void onFailed(String storeId, String key, ObjectStoreException failure) {
    }
}
