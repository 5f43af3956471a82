package io.bucketfs.nfs.v4;

import com.hierynomus.mssmb2.SMB2Dialect;
import com.hierynomus.smbj.SMBClient;
import com.hierynomus.smbj.SmbConfig;
import com.hierynomus.smbj.auth.AuthenticationContext;
import com.hierynomus.smbj.share.DiskShare;
import io.bucketfs.backends.local.LocalDirectoryStore;
import io.bucketfs.nfs.NfsServer;
import io.bucketfs.smb.ntlm.InMemorySmbUsers;
import io.bucketfs.smb.server.SmbServer;
import io.bucketfs.smb.server.SmbSettings;
import io.bucketfs.vfs.Caller;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import java.util.concurrent.TimeUnit;

/**
 * The real NFS server and the real SMB server over one VfsRuntime (an {@link NfsFixture} on a local store, its
 * mount "default" also the SMB share "default"), an NFSv4.1 client with its session, and an SMBJ 3.1.1 client
 * connected to the share as a root-mapped user: the setting of the cross-protocol tests.
 */
final class NfsSmbFixture implements AutoCloseable {
    private static final String PASSWORD = "s3cret-Passw0rd";

    final NfsFixture fx;
    final SmbServer smb;
    final Nfs4TestClient nfs;
    final SMBClient smbClient;
    final DiskShare share;

    /** @param withNfs3 serve NFSv3 and MOUNT beside NFSv4 on the NFS port */
    NfsSmbFixture(Path tmp, boolean withNfs3) throws Exception {
        fx = new NfsFixture(tmp, LocalDirectoryStore.create(Files.createDirectories(tmp.resolve("bucket"))));
        SmbServer s = null;
        Nfs4TestClient n = null;
        SMBClient c = null;
        try {
            if (withNfs3) {
                fx.server = NfsServer.start("127.0.0.1", 0, NfsFixture.settings(), fx.exports);
            } else {
                fx.start();
            }
            s = SmbServer.start("127.0.0.1", 0, SmbSettings.DEFAULTS, Map.of("default", fx.vfs),
                    new InMemorySmbUsers().add("bucketfs", PASSWORD.toCharArray(), new Caller(0, 0, null)));
            n = new Nfs4TestClient(fx.server.address(), "nfs-client", 0).establish();
            c = new SMBClient(SmbConfig.builder().withDialects(SMB2Dialect.SMB_3_1_1)
                    .withTimeout(30, TimeUnit.SECONDS).withSoTimeout(30, TimeUnit.SECONDS).build());
            share = (DiskShare) c.connect("127.0.0.1", s.port()).authenticate(
                    new AuthenticationContext("bucketfs", PASSWORD.toCharArray(), "WORKGROUP")).connectShare("default");
        } catch (Exception | Error e) {
            closeAll(c, s, n, fx);
            throw e;
        }
        smb = s;
        nfs = n;
        smbClient = c;
    }

    @Override
    public void close() throws Exception {
        closeAll(smbClient, smb, nfs, fx);
    }

    private static void closeAll(AutoCloseable... all) throws Exception {
        for (AutoCloseable a : all) {
            if (a != null) {
                a.close();
            }
        }
    }
}
