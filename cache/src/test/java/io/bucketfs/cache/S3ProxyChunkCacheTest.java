package io.bucketfs.cache;

import io.bucketfs.backends.BackendSettings;
import io.bucketfs.backends.ObjectStore;
import io.bucketfs.backends.s3.S3ObjectStore;
import io.bucketfs.backends.s3.S3ProxyServer;
import java.nio.file.Path;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;

/** The cache's behaviour over S3ObjectStore against a real S3 server (S3Proxy; one per class, a bucket per test). */
class S3ProxyChunkCacheTest extends ChunkCacheContractTest {

    private static S3ProxyServer server;

    @BeforeAll
    static void startServer() throws Exception {
        server = S3ProxyServer.start();
    }

    @AfterAll
    static void stopServer() throws Exception {
        if (server != null) {
            server.close();
        }
    }

    @Override
    protected ObjectStore openStore(Path scratch) {
        return new S3ObjectStore(server.spec(server.createBucket()), BackendSettings.DEFAULT);
    }
}
