package io.bucketfs.cache.write;

import io.bucketfs.backends.ObjectStore;
import io.bucketfs.backends.local.LocalDirectoryStore;
import java.nio.file.Path;
import org.junit.jupiter.api.io.TempDir;

/** The write-back behaviour on the embedded local-directory store. */
class LocalStoreWriteBackTest extends WriteBackContractTest {

    @TempDir
    Path bucket;

    @Override
    ObjectStore newStore() throws Exception {
        return LocalDirectoryStore.create(bucket);
    }
}
