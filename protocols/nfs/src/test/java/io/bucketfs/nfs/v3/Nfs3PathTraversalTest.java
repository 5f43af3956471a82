package io.bucketfs.nfs.v3;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.bucketfs.backends.ListRequest;
import io.bucketfs.backends.ObjectStore;
import io.bucketfs.backends.Payload;
import io.bucketfs.backends.PutOptions;
import io.bucketfs.backends.local.LocalDirectoryStore;
import io.bucketfs.nfs.export.ExportRules;
import io.bucketfs.nfs.mount.MountStatus;
import io.bucketfs.nfs.v3.proc.Create3;
import io.bucketfs.nfs.v3.proc.Lookup3;
import io.bucketfs.nfs.v3.proc.Symlink3;
import io.bucketfs.nfs.v3.xdr.DirOpArgs3;
import io.bucketfs.nfs.v3.xdr.NewObjRes3;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/**
 * Path traversal over NFSv3 and MOUNT v3 (README "Security defaults"): names that are not one component
 * ({@code ..}, {@code .}, a {@code /}, NUL, more than 255 bytes) are refused by LOOKUP, CREATE, MKDIR, SYMLINK and
 * RENAME with NFS3ERR_INVAL / NFS3ERR_NAMETOOLONG (LOOKUP of {@code ..} at the export root stays at the root), MNT
 * of a path with {@code ..} is MNT3ERR_INVAL, and nothing reaches the store outside the export's prefix.
 */
@Timeout(value = 60, unit = TimeUnit.SECONDS)
class Nfs3PathTraversalTest {
    private static final String PREFIX = "inside/";
    private static final List<String> BAD = List.of("..", ".", "../escape", "a/b", "/abs", "nul\0x");

    @TempDir
    Path tmp;
    private ObjectStore store;
    private Nfs3TestServer server;

    @AfterEach
    void stop() throws Exception {
        if (server != null) {
            server.close();
        }
        if (store != null) {
            store.close();
        }
    }

    @Test
    void traversalNamesAreRefusedInEveryProcedureAndByMount() throws Exception {
        store = LocalDirectoryStore.create(Files.createDirectories(tmp.resolve("bucket")));
        store.put("outside.txt", Payload.ofBytes("not yours".getBytes(StandardCharsets.UTF_8)), PutOptions.NONE);
        server = Nfs3TestServer.start(tmp, store, ExportRules.OPEN, PREFIX);
        String export = "/" + Nfs3TestServer.EXPORT;
        try (Nfs3Client c = new Nfs3Client(server.port())) {
            for (String p : List.of(export + "/..", export + "/a/../..", "/../" + Nfs3TestServer.EXPORT, "/..",
                    export + "/.")) {
                assertEquals(MountStatus.MNT3ERR_INVAL, c.mnt(p).status, "MNT " + p);
            }
            assertEquals(MountStatus.MNT3ERR_NAMETOOLONG, c.mnt(export + "/" + "n".repeat(256)).status);
            byte[] root = c.root(export);
            assertEquals(0, c.mkdir(root, "a").status);
            byte[] a = c.lookup(root, "a").object;
            Lookup3.Res up = c.lookup(root, "..");
            assertEquals(0, up.status, "'..' of the export root is the root itself");
            assertArrayEquals(root, up.object);
            assertArrayEquals(root, c.lookup(a, "..").object, "'..' of a is the root");

            for (String bad : BAD) {
                if (!bad.equals("..") && !bad.equals(".")) {
                    assertEquals(Nfs3Status.NFS3ERR_INVAL, c.lookup(root, bad).status, "LOOKUP " + bad);
                }
                assertEquals(Nfs3Status.NFS3ERR_INVAL, c.create(root, bad, Create3.GUARDED, 0).status,
                        "CREATE " + bad);
                assertEquals(Nfs3Status.NFS3ERR_INVAL, c.mkdir(a, bad).status, "MKDIR " + bad);
                assertEquals(Nfs3Status.NFS3ERR_INVAL, symlink(c, a, bad, "x").status, "SYMLINK " + bad);
                assertEquals(Nfs3Status.NFS3ERR_INVAL, c.rename(root, "a", root, bad).status, "RENAME to " + bad);
                assertEquals(Nfs3Status.NFS3ERR_INVAL, c.rename(root, bad, root, "b").status, "RENAME of " + bad);
            }
            String tooLong = "n".repeat(256);
            assertEquals(Nfs3Status.NFS3ERR_NAMETOOLONG, c.lookup(root, tooLong).status);
            assertEquals(Nfs3Status.NFS3ERR_NAMETOOLONG, c.create(root, tooLong, Create3.GUARDED, 0).status);
            assertEquals(Nfs3Status.NFS3ERR_NAMETOOLONG, c.mkdir(root, tooLong).status);
            assertEquals(Nfs3Status.NFS3ERR_NAMETOOLONG, symlink(c, root, tooLong, "x").status);
            assertEquals(Nfs3Status.NFS3ERR_NAMETOOLONG, c.rename(root, "a", root, tooLong).status);
            // the control: a long name that is one. (255 bytes is one too, but the local-directory store cannot
            // hold a 255-byte key segment: see README "Security defaults", known limits)
            assertEquals(0, c.create(root, "n".repeat(200), Create3.GUARDED, 0).status, "200 bytes is a name");
            // a symlink's target is data for the client to resolve: stored as given, never followed here
            assertEquals(0, symlink(c, a, "link", "../../outside.txt").status);
        }
        server.sync();
        List<String> keys = new ArrayList<>();
        store.list(ListRequest.flat("")).objects().forEach(o -> keys.add(o.key()));
        assertTrue(keys.contains(PREFIX + "a/link") && keys.contains(PREFIX + "n".repeat(200)), keys::toString);
        for (String k : keys) {
            assertTrue(k.startsWith(PREFIX) || k.equals("outside.txt"), "a key outside the export's prefix: " + k);
        }
    }

    private static NewObjRes3 symlink(Nfs3Client c, byte[] dir, String name, String target) throws Exception {
        Symlink3.Args s = new Symlink3.Args();
        s.where = new DirOpArgs3(dir, name);
        s.target = target;
        return c.call(10, s, new NewObjRes3());
    }
}
