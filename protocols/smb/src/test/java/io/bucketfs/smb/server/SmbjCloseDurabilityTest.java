package io.bucketfs.smb.server;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;

import com.hierynomus.msdtyp.AccessMask;
import com.hierynomus.mssmb2.SMB2CreateDisposition;
import com.hierynomus.mssmb2.SMB2Dialect;
import com.hierynomus.mssmb2.SMB2ShareAccess;
import com.hierynomus.smbj.SMBClient;
import com.hierynomus.smbj.SmbConfig;
import com.hierynomus.smbj.auth.AuthenticationContext;
import com.hierynomus.smbj.share.DiskShare;
import com.hierynomus.smbj.share.File;
import io.bucketfs.backends.GetOptions;
import io.bucketfs.backends.ObjectContent;
import io.bucketfs.backends.local.LocalDirectoryStore;
import io.bucketfs.vfs.MountSettings;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Random;
import java.util.Set;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/**
 * CLOSE is a durability point, as FLUSH is: on a mount with {@code object-store} durability the object is in the
 * bucket with every byte written through the open when the CLOSE reply arrives, without a FLUSH (the Linux cifs
 * client and Windows close without one). Found by {@code tests/.../crash/GatewayCrashTest}: data acknowledged by a
 * CLOSE alone was lost when the gateway was killed after it.
 */
@Timeout(value = 60, unit = TimeUnit.SECONDS)
class SmbjCloseDurabilityTest {

    @TempDir
    Path tmp;

    @Test
    void closeWithoutFlushLeavesTheWrittenBytesInTheBucket() throws Exception {
        byte[] first = new byte[300_000];
        byte[] second = new byte[70_000];
        new Random(7).nextBytes(first);
        new Random(8).nextBytes(second);
        try (SmbFixture fixture = new SmbFixture(tmp, LocalDirectoryStore.create(
                Files.createDirectories(tmp.resolve("bucket"))), SmbSettings.DEFAULTS, null,
                MountSettings.Durability.OBJECT_STORE);
             SMBClient client = new SMBClient(SmbConfig.builder().withDialects(SMB2Dialect.SMB_3_1_1)
                     .withTimeout(30, TimeUnit.SECONDS).build())) {
            DiskShare share = (DiskShare) client.connect("127.0.0.1", fixture.port()).authenticate(
                    new AuthenticationContext(SmbFixture.USER, SmbFixture.PASSWORD.toCharArray(), "WORKGROUP"))
                    .connectShare("default");
            try (File f = open(share, SMB2CreateDisposition.FILE_CREATE)) {
                f.write(first, 0);
            }
            assertArrayEquals(first, object(fixture), "in the bucket when CLOSE returned");
            try (File f = open(share, SMB2CreateDisposition.FILE_OVERWRITE)) {
                f.write(second, 0);
                f.flush();
                f.write(first, second.length); // after the FLUSH: only the CLOSE commits this
            }
            byte[] both = new byte[second.length + first.length];
            System.arraycopy(second, 0, both, 0, second.length);
            System.arraycopy(first, 0, both, second.length, first.length);
            assertArrayEquals(both, object(fixture), "the bytes written after the FLUSH, at the CLOSE");
        }
    }

    private static File open(DiskShare share, SMB2CreateDisposition disposition) {
        return share.openFile("closed.bin", Set.of(AccessMask.GENERIC_READ, AccessMask.GENERIC_WRITE), null,
                SMB2ShareAccess.ALL, disposition, null);
    }

    private static byte[] object(SmbFixture fixture) throws Exception {
        try (ObjectContent c = fixture.store.get("closed.bin", GetOptions.NONE)) {
            return c.readAllBytes();
        }
    }
}
