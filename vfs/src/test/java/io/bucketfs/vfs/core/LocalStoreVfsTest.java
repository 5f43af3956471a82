package io.bucketfs.vfs.core;

import io.bucketfs.backends.ObjectStore;
import io.bucketfs.backends.local.LocalDirectoryStore;
import java.nio.file.Files;

/** The VFS contract over the embedded local-directory store. */
class LocalStoreVfsTest extends VfsContractTest {

    @Override
    protected ObjectStore openStore() throws Exception {
        return LocalDirectoryStore.create(Files.createTempDirectory(tmp, "bucket"));
    }
}
