package io.bucketfs.nfs.v4;

import io.bucketfs.backends.ObjectStore;
import io.bucketfs.backends.local.LocalDirectoryStore;
import java.nio.file.Files;

/** NFSv4.1 over loopback TCP on the embedded local-directory store. */
class Nfs4LocalStoreTest extends Nfs4LoopbackTestBase {

    @Override
    protected ObjectStore openStore() throws Exception {
        return LocalDirectoryStore.create(Files.createDirectories(tmp.resolve("bucket")));
    }
}
