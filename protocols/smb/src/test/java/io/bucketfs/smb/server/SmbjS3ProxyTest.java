package io.bucketfs.smb.server;

import io.bucketfs.backends.BackendSettings;
import io.bucketfs.backends.ObjectStore;
import io.bucketfs.backends.s3.S3ObjectStore;
import io.bucketfs.backends.s3.S3ProxyServer;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;

/** SMBJ over loopback on S3Proxy, a real S3 server in this JVM. */
class SmbjS3ProxyTest extends SmbjClientTestBase {
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
    protected boolean listsHugeDirectories() {
        return false;
    }

    @Override
    protected ObjectStore openStore() {
        return new S3ObjectStore(s3.spec(s3.createBucket()), BackendSettings.DEFAULT);
    }
}
