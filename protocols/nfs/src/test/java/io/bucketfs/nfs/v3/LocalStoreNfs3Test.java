package io.bucketfs.nfs.v3;

import io.bucketfs.backends.ObjectStore;
import io.bucketfs.backends.local.LocalDirectoryStore;
import java.nio.file.Files;

/** NFSv3 end to end over the embedded local-directory store. */
class LocalStoreNfs3Test extends Nfs3EndToEndTest {

    @Override
    protected ObjectStore openStore() throws Exception {
        return LocalDirectoryStore.create(Files.createTempDirectory(tmp, "bucket"));
    }
}
