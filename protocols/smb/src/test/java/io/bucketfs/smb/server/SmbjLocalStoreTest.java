package io.bucketfs.smb.server;

import io.bucketfs.backends.ObjectStore;
import io.bucketfs.backends.local.LocalDirectoryStore;
import java.nio.file.Files;

/** SMBJ over loopback on the embedded local-directory store. */
class SmbjLocalStoreTest extends SmbjClientTestBase {
    @Override
    protected ObjectStore openStore() throws Exception {
        return LocalDirectoryStore.create(Files.createDirectories(tmp.resolve("bucket")));
    }
}
