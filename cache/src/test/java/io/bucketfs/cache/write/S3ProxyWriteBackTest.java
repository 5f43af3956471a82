package io.bucketfs.cache.write;

import io.bucketfs.backends.BackendSettings;
import io.bucketfs.backends.ObjectStore;
import io.bucketfs.backends.s3.S3ObjectStore;
import io.bucketfs.backends.s3.S3ProxyServer;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Timeout;

/** The write-back behaviour on a real S3 server (S3Proxy in this JVM), one bucket per test. */
@Timeout(120)
class S3ProxyWriteBackTest extends WriteBackContractTest {

    private static S3ProxyServer server;

    @BeforeAll
    @Timeout(60)
    static void startServer() throws Exception {
        server = S3ProxyServer.start();
    }

    @AfterAll
    @Timeout(60)
    static void stopServer() throws Exception {
        if (server != null) {
            server.close();
        }
    }

    @Override
    ObjectStore newStore() {
        return new S3ObjectStore(server.spec(server.createBucket()), BackendSettings.DEFAULT);
    }
}
