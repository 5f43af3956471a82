package io.bucketfs.cache;

import io.bucketfs.backends.ObjectStore;
import io.bucketfs.backends.local.LocalDirectoryStore;
import java.nio.file.Path;

/** The cache's behaviour over the local-directory store. */
class LocalStoreChunkCacheTest extends ChunkCacheContractTest {

    @Override
    protected ObjectStore openStore(Path scratch) throws Exception {
        return LocalDirectoryStore.create(scratch);
    }
}
