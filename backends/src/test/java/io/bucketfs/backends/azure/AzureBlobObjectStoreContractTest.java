package io.bucketfs.backends.azure;

import io.bucketfs.backends.BackendSettings;
import io.bucketfs.backends.ObjectStore;
import io.bucketfs.backends.ObjectStoreContractTest;
import java.util.Base64;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;

/** The contract on {@link AzureBlobObjectStore} against Azurite: one server per class, a new container per test. */
class AzureBlobObjectStoreContractTest extends ObjectStoreContractTest {

    private static AzuriteServer azurite;

    @BeforeAll
    static void startAzurite() throws Exception {
        azurite = AzuriteServer.start();
    }

    @AfterAll
    static void stopAzurite() {
        if (azurite != null) {
            azurite.close();
        }
    }

    @Override
    protected ObjectStore openFreshStore() {
        return azurite.freshStore(BackendSettings.DEFAULT);
    }

    /** The development account with a key of the right form that is not its key. */
    @Override
    protected ObjectStore openStoreWithWrongCredentials() {
        String wrongKey = Base64.getEncoder().encodeToString(new byte[64]);
        return new AzureBlobObjectStore(azurite.spec(azurite.createContainer())
                .withAzureAccount(AzuriteServer.ACCOUNT, wrongKey, null), BackendSettings.DEFAULT);
    }

    /** A 127.0.0.1 port that was bound and closed again. */
    @Override
    protected ObjectStore openStoreWithUnreachableEndpoint(BackendSettings settings) throws Exception {
        String endpoint = "http://127.0.0.1:" + AzuriteServer.freePort() + "/" + AzuriteServer.ACCOUNT;
        return new AzureBlobObjectStore(azurite.spec("unreachable").withEndpoint(endpoint), settings);
    }
}
