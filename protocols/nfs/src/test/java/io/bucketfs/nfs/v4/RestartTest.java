package io.bucketfs.nfs.v4;

import static org.junit.jupiter.api.Assertions.assertEquals;

import io.bucketfs.backends.local.LocalDirectoryStore;
import io.bucketfs.nfs.v4.attr.Fattr;
import io.bucketfs.nfs.v4.ops.OpClose;
import io.bucketfs.nfs.v4.ops.OpCode;
import io.bucketfs.nfs.v4.ops.OpGetattr;
import io.bucketfs.nfs.v4.ops.OpGetfh;
import io.bucketfs.nfs.v4.ops.OpOpen;
import io.bucketfs.nfs.v4.ops.OpRead;
import io.bucketfs.nfs.v4.ops.OpWrite;
import io.bucketfs.nfs.v4.xdr.Bitmap4;
import io.bucketfs.nfs.v4.xdr.Stateid4;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/** Handles stay valid across a restart (they are VFS handles plus the export id); state from before is stale. */
@Timeout(value = 60, unit = TimeUnit.SECONDS)
class RestartTest {

    @TempDir
    Path tmp;

    private NfsFixture open() throws Exception {
        NfsFixture fx = new NfsFixture(tmp, LocalDirectoryStore.create(Files.createDirectories(tmp.resolve("b"))));
        fx.start();
        return fx;
    }

    @Test
    void aHandleFromBeforeARestartStillWorks() throws Exception {
        byte[] file;
        Stateid4 old;
        try (NfsFixture fx = open();
             Nfs4TestClient c = new Nfs4TestClient(fx.server.address(), "r", 0).establish()) {
            CompoundRes r = c.ok(Nfs4TestClient.putfh(c.fh("default")), Nfs4LoopbackTestBase.create("keep.txt",
                    "o".getBytes(StandardCharsets.UTF_8), OpOpen.SHARE_ACCESS_BOTH), new OpGetfh.Args());
            old = ((OpOpen.Res) r.result(OpCode.OPEN)).stateid();
            file = ((OpGetfh.Res) r.result(OpCode.GETFH)).fh();
            c.ok(Nfs4TestClient.putfh(file), new OpWrite.Args(old, 0, OpWrite.FILE_SYNC4,
                    ByteBuffer.wrap("kept".getBytes(StandardCharsets.UTF_8))), new OpClose.Args(0, old));
        }
        try (NfsFixture fx = open();
             Nfs4TestClient c = new Nfs4TestClient(fx.server.address(), "r", 0).establish()) {
            OpGetattr.Res a = c.ok(Nfs4TestClient.putfh(file), new OpGetattr.Args(Bitmap4.of(Fattr.SIZE)))
                    .result(OpCode.GETATTR);
            assertEquals("0000000000000004", java.util.HexFormat.of().formatHex(a.attrs().values()));
            OpRead.Res rd = c.ok(Nfs4TestClient.putfh(file), new OpRead.Args(Stateid4.ANONYMOUS, 0, 100))
                    .result(OpCode.READ);
            assertEquals("kept", StandardCharsets.UTF_8.decode(rd.data()).toString());
            assertEquals(NfsStat4.NFS4ERR_STALE_STATEID, c.seq(Nfs4TestClient.putfh(file),
                    new OpRead.Args(old, 0, 1)).status());
        }
    }
}
