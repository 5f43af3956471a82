package io.bucketfs.cache.write;

import java.util.concurrent.CompletableFuture;

/** A retarget of a staged file waiting for the upload in flight to end (see {@link StagedFile#retarget}). */
final class Retarget {
    final String oldKey;
    final CompletableFuture<Boolean> result = new CompletableFuture<>();
    boolean wroteOld;

    Retarget(String oldKey, boolean wroteOld) {
        this.oldKey = oldKey;
        this.wroteOld = wroteOld;
    }
}
