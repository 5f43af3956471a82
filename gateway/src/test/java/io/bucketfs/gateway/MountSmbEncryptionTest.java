package io.bucketfs.gateway;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.hierynomus.msdtyp.AccessMask;
import com.hierynomus.mserref.NtStatus;
import com.hierynomus.mssmb2.SMB2CreateDisposition;
import com.hierynomus.mssmb2.SMB2Dialect;
import com.hierynomus.mssmb2.SMB2ShareAccess;
import com.hierynomus.mssmb2.SMBApiException;
import com.hierynomus.smbj.SMBClient;
import com.hierynomus.smbj.SmbConfig;
import com.hierynomus.smbj.auth.AuthenticationContext;
import com.hierynomus.smbj.session.Session;
import com.hierynomus.smbj.share.DiskShare;
import com.hierynomus.smbj.share.File;
import io.bucketfs.backends.s3.S3ProxyServer;
import io.bucketfs.gateway.control.ControlPlane;
import io.bucketfs.gateway.control.Requests;
import io.bucketfs.gateway.state.FieldException;
import io.bucketfs.vfs.Caller;
import io.bucketfs.vfs.CreateMode;
import io.bucketfs.vfs.Entry;
import io.bucketfs.vfs.SetAttr;
import io.bucketfs.vfs.Stability;
import io.bucketfs.vfs.Vfs;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.util.EnumSet;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/**
 * {@code mount create --smb-encrypt} on a running gateway: the new mount's share refuses a client that does not
 * encrypt (SMBJ without encryption: ACCESS_DENIED at TREE_CONNECT) and serves one that does; a delete refused because
 * its flush cannot finish puts the share back as it was, still requiring encryption; the flag is refused on a mount
 * not served over SMB and shown by {@code mount show}.
 */
@Timeout(value = 180, unit = TimeUnit.SECONDS)
class MountSmbEncryptionTest {

    private static final int S3 = TestPorts.free();

    @TempDir
    Path dir;

    @Test
    void aMountMadeWithSmbEncryptRequiresEncryptionAlsoAfterARefusedDelete() throws Exception {
        S3ProxyServer s3 = S3ProxyServer.start(dir.resolve("s3a"), S3);
        try (Gateway g = Gateway.start(new GatewayConfig(dir.resolve("data"), null))) {
            int port = g.startSmb("127.0.0.1", 0, io.bucketfs.smb.server.SmbSettings.DEFAULTS).port();
            String password = Files.readString(g.config().smbPasswordFile()).strip();
            String bucket = s3.createBucket();
            ControlPlane cp = new ControlPlane(g, Clock.systemUTC(), Duration.ofSeconds(3));
            cp.createConnection(new Requests.Connection("rw", "s3-compatible", bucket, "us-east-1",
                    s3.endpoint().toString(), true, S3ProxyServer.IDENTITY, S3ProxyServer.SECRET, null, null, null,
                    null, null, true));
            FieldException nfsOnly = assertThrows(FieldException.class, () -> cp.createMount(new Requests.Mount(
                    "n", "rw", null, "n/", "nfs", null, null, null, null, null, null, null, true)));
            assertTrue(nfsOnly.line().startsWith("smb-encrypt: "), nfsOnly.line());
            cp.createMount(new Requests.Mount("enc", "rw", null, null, "smb", null, null, null, null, null, null,
                    null, true));
            assertEquals(true, cp.showMount("enc").get("smb-encrypt"));
            assertEquals(false, cp.showMount("default").get("smb-encrypt"));

            expectEncryptionRequired(port, password, true);
            Vfs v = g.vfs().mount("enc");
            Entry f = v.create(Caller.ROOT, v.root(), "late.txt", CreateMode.GUARDED, SetAttr.NONE, 0);
            s3.close(); // the bucket is unreachable now: a write staged after this cannot be flushed
            v.write(Caller.ROOT, f.handle(), 0, ByteBuffer.wrap(new byte[] {1}), Stability.UNSTABLE);
            FieldException refused = assertThrows(FieldException.class, () -> cp.deleteMount("enc"));
            assertEquals(FieldException.Kind.UNAVAILABLE, refused.kind());
            expectEncryptionRequired(port, password, false); // the share came back as it was

            s3 = S3ProxyServer.start(dir.resolve("s3b"), S3);
            s3.createBucket(bucket);
            new ControlPlane(g, Clock.systemUTC(), Duration.ofSeconds(90)).deleteMount("enc");
        } finally {
            s3.close();
        }
    }

    /**
     * An unencrypted 3.1.1 client is refused on {@code enc} (not on {@code default}); an encrypting one connects
     * and, if {@code write} (the bucket is reachable), writes and reads a file.
     */
    private static void expectEncryptionRequired(int port, String password, boolean write) throws Exception {
        try (SMBClient plain = client(false); Session s = login(plain, port, password)) {
            SMBApiException e = assertThrows(SMBApiException.class, () -> s.connectShare("enc"));
            assertEquals(NtStatus.STATUS_ACCESS_DENIED, e.getStatus());
            s.connectShare("default").close();
        }
        try (SMBClient encrypting = client(true); Session s = login(encrypting, port, password);
             DiskShare share = (DiskShare) s.connectShare("enc")) {
            if (!write) {
                return;
            }
            byte[] data = "sealed on the wire".getBytes(StandardCharsets.UTF_8);
            try (File f = share.openFile("enc.txt", EnumSet.of(AccessMask.GENERIC_ALL), null, SMB2ShareAccess.ALL,
                    SMB2CreateDisposition.FILE_OVERWRITE_IF, null)) {
                f.write(data, 0);
                byte[] back = new byte[data.length];
                assertEquals(data.length, f.read(back, 0));
                assertArrayEquals(data, back);
            }
        }
    }

    private static SMBClient client(boolean encrypt) {
        return new SMBClient(SmbConfig.builder().withDialects(SMB2Dialect.SMB_3_1_1).withEncryptData(encrypt)
                .withTimeout(20, TimeUnit.SECONDS).build());
    }

    private static Session login(SMBClient c, int port, String password) throws Exception {
        return c.connect("127.0.0.1", port).authenticate(new AuthenticationContext(Gateway.DEFAULT_SMB_USER,
                password.toCharArray(), ""));
    }
}
