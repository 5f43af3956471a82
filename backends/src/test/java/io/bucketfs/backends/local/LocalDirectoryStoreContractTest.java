package io.bucketfs.backends.local;

import io.bucketfs.backends.BackendSettings;
import io.bucketfs.backends.ObjectStore;
import io.bucketfs.backends.ObjectStoreContractTest;
import java.nio.file.Files;
import org.junit.jupiter.api.Assumptions;

/** The contract on the embedded local-directory store. */
class LocalDirectoryStoreContractTest extends ObjectStoreContractTest {

    @Override
    protected ObjectStore openFreshStore() throws Exception {
        return LocalDirectoryStore.create(Files.createTempDirectory(tmp, "bucket"));
    }

    @Override
    protected ObjectStore openStoreWithWrongCredentials() {
        // A local directory has no credentials to get wrong (and file modes do not bind root, which CI runs as).
        Assumptions.abort("the local store has no credentials");
        return null;
    }

    /** A store directory whose disk is "not mounted": the marker is missing, so nothing is written there. */
    @Override
    protected ObjectStore openStoreWithUnreachableEndpoint(BackendSettings settings) throws Exception {
        return new LocalDirectoryStore(Files.createTempDirectory(tmp, "unmounted"));
    }
}
