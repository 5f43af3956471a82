package io.bucketfs.backends.s3;

import io.bucketfs.backends.BackendSettings;
import io.bucketfs.backends.ObjectStore;
import io.bucketfs.backends.ObjectStoreContractTest;
import java.io.IOException;
import java.net.InetAddress;
import java.net.ServerSocket;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;

/** The contract on {@link S3ObjectStore} against S3Proxy (one server per class, a fresh bucket per test). */
class S3ObjectStoreContractTest extends ObjectStoreContractTest {

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
    protected ObjectStore openFreshStore() {
        return new S3ObjectStore(server.spec(server.createBucket()), BackendSettings.DEFAULT);
    }

    @Override
    protected ObjectStore openStoreWithWrongCredentials() {
        return new S3ObjectStore(server.spec(server.createBucket()).withKeys(server.identity(), "not-the-secret"),
                BackendSettings.DEFAULT);
    }

    @Override
    protected ObjectStore openStoreWithUnreachableEndpoint(BackendSettings settings) throws IOException {
        return new S3ObjectStore(server.spec("unreachable").withEndpoint("http://127.0.0.1:" + closedPort()),
                settings);
    }

    /** A loopback port that was just bound and released, so nothing listens on it. */
    static int closedPort() throws IOException {
        try (ServerSocket s = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
            return s.getLocalPort();
        }
    }
}
