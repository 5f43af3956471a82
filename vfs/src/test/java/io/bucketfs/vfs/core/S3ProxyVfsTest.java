package io.bucketfs.vfs.core;

import io.bucketfs.backends.BackendSettings;
import io.bucketfs.backends.ObjectStore;
import io.bucketfs.backends.s3.S3ObjectStore;
import io.bucketfs.backends.s3.S3ProxyServer;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;

/** The VFS contract over S3Proxy, a real S3 server in this JVM. */
class S3ProxyVfsTest extends VfsContractTest {

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
    protected ObjectStore openStore() {
        return new S3ObjectStore(server.spec(server.createBucket()), BackendSettings.DEFAULT);
    }
}
