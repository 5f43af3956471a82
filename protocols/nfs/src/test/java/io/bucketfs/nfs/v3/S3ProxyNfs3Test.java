package io.bucketfs.nfs.v3;

import io.bucketfs.backends.BackendSettings;
import io.bucketfs.backends.ObjectStore;
import io.bucketfs.backends.s3.S3ObjectStore;
import io.bucketfs.backends.s3.S3ProxyServer;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;

/** NFSv3 end to end over S3Proxy, a real S3 server in this JVM. */
class S3ProxyNfs3Test extends Nfs3EndToEndTest {

    private static S3ProxyServer s3;

    @BeforeAll
    static void startS3() throws Exception {
        s3 = S3ProxyServer.start();
    }

    @AfterAll
    static void stopS3() throws Exception {
        if (s3 != null) {
            s3.close();
        }
    }

    @Override
    protected ObjectStore openStore() {
        return new S3ObjectStore(s3.spec(s3.createBucket()), BackendSettings.DEFAULT);
    }
}
