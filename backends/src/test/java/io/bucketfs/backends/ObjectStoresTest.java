package io.bucketfs.backends;

import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.bucketfs.backends.azure.AzureBlobObjectStore;
import io.bucketfs.backends.local.LocalDirectoryStore;
import io.bucketfs.backends.s3.S3ObjectStore;
import java.nio.file.Path;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/** Every provider opens the store of its family, without a request; bad specs are refused naming the field. */
@Timeout(value = 30, unit = TimeUnit.SECONDS)
class ObjectStoresTest {

    @Test
    void everyProviderOpensItsFamilysStore(@TempDir Path dir) throws Exception {
        for (Provider p : Provider.values()) {
            ConnectionSpec spec = switch (p.family()) {
                case LOCAL -> ConnectionSpec.of(p, "b").withEndpoint(dir.toString());
                case AZURE -> ConnectionSpec.of(p, "c").withAzureAccount("acct", "a2V5", null);
                case S3 -> ConnectionSpec.of(p, "b").withKeys("AKIAEXAMPLE", "secret").withRegion("us-west-004")
                        .withAzureAccount("acct", null, null).withEndpoint(p.requiresEndpoint()
                                ? "http://127.0.0.1:9" : null);
            };
            try (ObjectStore s = ObjectStores.open(spec, BackendSettings.DEFAULT)) {
                Class<?> want = switch (p.family()) {
                    case LOCAL -> LocalDirectoryStore.class;
                    case AZURE -> AzureBlobObjectStore.class;
                    case S3 -> S3ObjectStore.class;
                };
                assertInstanceOf(want, s, p.id());
                assertTrue(!s.describe().contains("secret") && !s.describe().contains("a2V5"), s.describe());
            }
        }
    }

    @Test
    void aBadSpecIsRefusedBeforeAnythingOpens() {
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                () -> ObjectStores.open(ConnectionSpec.of(Provider.MINIO, "b").withKeys("a", "b"), BackendSettings.DEFAULT));
        assertTrue(e.getMessage().startsWith("endpoint:"), e.getMessage());
    }
}
