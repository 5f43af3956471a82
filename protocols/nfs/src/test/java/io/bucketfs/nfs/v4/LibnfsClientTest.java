package io.bucketfs.nfs.v4;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import io.bucketfs.backends.local.LocalDirectoryStore;
import io.bucketfs.vfs.Caller;
import io.bucketfs.vfs.CreateMode;
import io.bucketfs.vfs.Entry;
import io.bucketfs.vfs.SetAttr;
import io.bucketfs.vfs.Stability;
import java.io.ByteArrayOutputStream;
import java.nio.ByteBuffer;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.util.List;
import java.util.Random;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/**
 * A real NFSv4.0 client: libnfs-utils' {@code nfs-ls} and {@code nfs-cat} with {@code version=4} against the
 * server on an ephemeral loopback port (libnfs's v4 writes above ~3.8 KB are broken client-side, so files are
 * written through the VFS and only listed and read over NFS).
 */
@Timeout(value = 120, unit = TimeUnit.SECONDS)
class LibnfsClientTest {

    @TempDir
    Path tmp;
    NfsFixture fx;

    @BeforeEach
    void start() throws Exception {
        assumeTrue(Files.isExecutable(Path.of("/usr/bin/nfs-ls")), "libnfs-utils is installed");
        fx = new NfsFixture(tmp, LocalDirectoryStore.create(Files.createDirectories(tmp.resolve("bucket"))));
        fx.start();
    }

    @AfterEach
    void stop() {
        if (fx != null) {
            fx.close();
        }
    }

    private String url(String path) {
        return "nfs://127.0.0.1" + path + "?version=4&nfsport=" + fx.server.address().getPort();
    }

    private static byte[] run(String... cmd) throws Exception {
        Process p = new ProcessBuilder(cmd).redirectErrorStream(false).start();
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        p.getInputStream().transferTo(out);
        String err = new String(p.getErrorStream().readAllBytes());
        assertTrue(p.waitFor(60, TimeUnit.SECONDS), "finished");
        assertEquals(0, p.exitValue(), String.join(" ", cmd) + ": " + err);
        return out.toByteArray();
    }

    private void write(Entry dir, String name, byte[] data) throws Exception {
        Entry f = fx.vfs.create(Caller.ROOT, dir.handle(), name, CreateMode.GUARDED, SetAttr.NONE, 0);
        fx.vfs.write(Caller.ROOT, f.handle(), 0, ByteBuffer.wrap(data), Stability.FILE_SYNC);
    }

    @Test
    void listsAndReadsWithLibnfs() throws Exception {
        Entry dir = fx.vfs.mkdir(Caller.ROOT, fx.vfs.root(), "dir", SetAttr.NONE);
        byte[] small = "hello over NFSv4\n".getBytes();
        byte[] big = new byte[3 << 20];
        new Random(1).nextBytes(big);
        write(dir, "small.txt", small);
        write(dir, "big.bin", big);
        fx.vfs.mkdir(Caller.ROOT, dir.handle(), "sub", SetAttr.NONE);

        String ls = new String(run("nfs-ls", url("/default/dir")));
        List<String> names = ls.lines().map(l -> l.substring(l.lastIndexOf(' ') + 1)).sorted().toList();
        assertEquals(List.of("big.bin", "small.txt", "sub"), names, ls);
        assertTrue(ls.contains(String.valueOf(big.length)), ls);

        assertArrayEquals(small, run("nfs-cat", url("/default/dir/small.txt")));
        MessageDigest sha = MessageDigest.getInstance("SHA-256");
        assertArrayEquals(sha.digest(big), sha.digest(run("nfs-cat", url("/default/dir/big.bin"))));
    }

    @Test
    void listsThePseudoRoot() throws Exception {
        String ls = new String(run("nfs-ls", url("/")));
        assertTrue(ls.lines().anyMatch(l -> l.endsWith(" default")), ls);
    }
}
