package io.bucketfs.smb.server;

import java.nio.file.Path;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.io.TempDir;

/** Base of the raw-client tests: a fresh server with default settings on a local store for each test. */
abstract class LocalServerTest {
    @TempDir
    Path tmp;
    SmbFixture fixture;

    @BeforeEach
    void startServer() throws Exception {
        fixture = SmbFixture.onLocalStore(tmp);
    }

    @AfterEach
    void stopServer() {
        fixture.close();
    }
}
