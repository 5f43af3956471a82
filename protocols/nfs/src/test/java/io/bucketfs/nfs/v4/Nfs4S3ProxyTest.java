package io.bucketfs.nfs.v4;

import io.bucketfs.backends.BackendSettings;
import io.bucketfs.backends.ObjectStore;
import io.bucketfs.backends.s3.S3ObjectStore;
import io.bucketfs.backends.s3.S3ProxyServer;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;

/** NFSv4.1 over loopback TCP on S3Proxy, a real S3 server in this JVM. */
class Nfs4S3ProxyTest extends Nfs4LoopbackTestBase {

    private static S3ProxyServer server;

    @BeforeAll
    static void startS3() throws Exception {
        server = S3ProxyServer.start();
    }

    @AfterAll
    static void stopS3() throws Exception {
        if (server != null) {
            server.close();
        }
    }

    @Override
    protected ObjectStore openStore() {
        return new S3ObjectStore(server.spec(server.createBucket()), BackendSettings.DEFAULT);
    }
}
