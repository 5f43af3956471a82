package io.bucketfs.nfs.v3;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.bucketfs.backends.ObjectStore;
import io.bucketfs.backends.local.LocalDirectoryStore;
import io.bucketfs.nfs.NfsFileHandles;
import io.bucketfs.nfs.export.Cidr;
import io.bucketfs.nfs.export.ExportRules;
import io.bucketfs.nfs.mount.MountStatus;
import io.bucketfs.nfs.v3.proc.Create3;
import io.bucketfs.nfs.v3.proc.Write3;
import io.bucketfs.nfs.v3.xdr.NewObjRes3;
import io.bucketfs.vfs.Caller;
import io.bucketfs.vfs.CreateMode;
import io.bucketfs.vfs.Entry;
import io.bucketfs.vfs.SetAttr;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/**
 * Export rules per request: client networks (MOUNT and NFS), read-only, root squash, the defaults (private
 * networks, root squashed); MNT of a subdirectory.
 */
@Timeout(value = 60, unit = TimeUnit.SECONDS)
class Nfs3ExportRulesTest {

    @TempDir
    Path tmp;

    ObjectStore store;
    Nfs3TestServer server;

    void start(ExportRules rules) throws Exception {
        store = LocalDirectoryStore.create(Files.createTempDirectory(tmp, "bucket"));
        server = Nfs3TestServer.start(tmp, store, rules);
    }

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
    void aNetworkThatExcludesTheClientIsRefusedByMountAndByNfs() throws Exception {
        start(new ExportRules(List.of(Cidr.parse("10.0.0.0/8")), false, false, 65534, 65534));
        try (Nfs3Client c = new Nfs3Client(server.port())) {
            assertEquals(MountStatus.MNT3ERR_ACCES, c.mnt("/" + Nfs3TestServer.EXPORT).status);
            // a handle learnt elsewhere does not help either
            byte[] root = NfsFileHandles.encode(1, server.vfs().root());
            assertEquals(Nfs3Status.NFS3ERR_ACCES, c.getattr(root).status);
            assertEquals(Nfs3Status.NFS3ERR_ACCES, c.lookup(root, "x").status);
        }
        LibNfs.Run ls = LibNfs.run(tmp, 60, "nfs-ls", server.url(""));
        assertFalse(ls.ok(), ls::describe);
    }

    @Test
    void aReadOnlyExportRefusesChangesWithRofsAndServesReads() throws Exception {
        start(new ExportRules(List.of(Cidr.parse("127.0.0.0/8")), true, false, 65534, 65534));
        Entry f = server.vfs().create(Caller.ROOT, server.vfs().root(), "ro.txt", CreateMode.GUARDED,
                SetAttr.NONE, 0);
        try (Nfs3Client c = new Nfs3Client(server.port())) {
            byte[] root = c.root("/" + Nfs3TestServer.EXPORT);
            byte[] fh = c.lookup(root, "ro.txt").object;
            assertEquals(0, c.getattr(fh).status);
            assertEquals(0, c.read(fh, 0, 10).status);
            assertEquals(Nfs3Status.NFS3ERR_ROFS, c.create(root, "new", Create3.GUARDED, 0).status);
            assertEquals(Nfs3Status.NFS3ERR_ROFS, c.write(fh, 0, new byte[] {1}, Write3.FILE_SYNC).status);
            assertEquals(Nfs3Status.NFS3ERR_ROFS, c.mkdir(root, "d").status);
            assertEquals(Nfs3Status.NFS3ERR_ROFS, c.remove(root, "ro.txt").status);
            assertEquals(Nfs3Status.NFS3ERR_ROFS, c.rename(root, "ro.txt", root, "other").status);
            io.bucketfs.nfs.v3.proc.Access3.Args a = new io.bucketfs.nfs.v3.proc.Access3.Args();
            a.fh = fh;
            a.access = io.bucketfs.vfs.Access.ALL;
            io.bucketfs.nfs.v3.proc.Access3.Res r = c.call(4, a, new io.bucketfs.nfs.v3.proc.Access3.Res());
            assertEquals(0, r.status);
            assertEquals(0, r.access & (io.bucketfs.vfs.Access.MODIFY | io.bucketfs.vfs.Access.EXTEND));
            assertTrue((r.access & io.bucketfs.vfs.Access.READ) != 0);
        }
        Path src = tmp.resolve("src");
        Files.write(src, new byte[] {1, 2, 3});
        LibNfs.Run cp = LibNfs.run(tmp, 60, "nfs-cp", src.toString(), server.url("copied"));
        assertFalse(cp.ok(), cp::describe);
        assertTrue(cp.stderr().contains("NFS3ERR_ROFS"), cp::describe);
        assertEquals(0, f.attr().size());
    }

    @Test
    void rootIsSquashedToTheAnonymousIdentity() throws Exception {
        start(new ExportRules(List.of(), false, true, 4242, 4343));
        try (Nfs3Client c = new Nfs3Client(server.port())) {
            byte[] root = c.root("/" + Nfs3TestServer.EXPORT);
            server.vfs().setattr(Caller.ROOT, server.vfs().root(), SetAttr.mode(0777), null);
            NewObjRes3 r = c.create(root, "squashed", Create3.GUARDED, 0);
            assertEquals(0, r.status);
            assertEquals(4242, r.attr.uid());
            assertEquals(4343, r.attr.gid());
        }
    }

    @Test
    void theDefaultRulesAdmitOnlyPrivateNetworksAndSquashRoot() throws Exception {
        ExportRules d = ExportRules.DEFAULT;
        for (String ok : List.of("127.0.0.1", "10.1.2.3", "172.31.255.1", "192.168.7.7", "::1", "fd12::7",
                "::ffff:192.168.1.1")) {
            assertTrue(d.admits(java.net.InetAddress.getByName(ok)), ok);
        }
        for (String no : List.of("8.8.8.8", "172.32.0.1", "100.64.0.1", "2001:db8::1", "::ffff:1.2.3.4")) {
            assertFalse(d.admits(java.net.InetAddress.getByName(no)), no);
        }
        start(d);
        try (Nfs3Client c = new Nfs3Client(server.port())) {
            byte[] root = c.root("/" + Nfs3TestServer.EXPORT);
            assertEquals(Nfs3Status.NFS3ERR_ACCES, c.create(root, "as-root", Create3.GUARDED, 0).status,
                    "uid 0 acts as nobody: no write in the root-owned 0755 root");
            server.vfs().setattr(Caller.ROOT, server.vfs().root(), SetAttr.mode(0777), null);
            NewObjRes3 r = c.create(root, "squashed", Create3.GUARDED, 0);
            assertEquals(0, r.status);
            assertEquals(ExportRules.NOBODY, r.attr.uid());
            assertEquals(ExportRules.NOBODY, r.attr.gid());
        }
    }

    @Test
    void mountOfASubdirectoryAndOfWhatIsNotOne() throws Exception {
        start(ExportRules.OPEN);
        Entry a = server.vfs().mkdir(Caller.ROOT, server.vfs().root(), "a", SetAttr.NONE);
        Entry b = server.vfs().mkdir(Caller.ROOT, a.handle(), "b", SetAttr.NONE);
        server.vfs().create(Caller.ROOT, b.handle(), "file", CreateMode.GUARDED, SetAttr.NONE, 0);
        try (Nfs3Client c = new Nfs3Client(server.port())) {
            io.bucketfs.nfs.mount.MountRes m = c.mnt("/" + Nfs3TestServer.EXPORT + "/a/b");
            assertEquals(MountStatus.MNT3_OK, m.status);
            assertEquals(1, m.flavors.length);
            assertEquals(1, m.flavors[0], "AUTH_SYS");
            assertEquals(0, c.lookup(m.handle, "file").status);
            assertEquals(List.of(new io.bucketfs.nfs.mount.MountList.Body("127.0.0.1",
                    "/" + Nfs3TestServer.EXPORT + "/a/b")), c.dump().mounts);
            assertEquals(MountStatus.MNT3ERR_NOTDIR, c.mnt("/" + Nfs3TestServer.EXPORT + "/a/b/file").status);
            assertEquals(MountStatus.MNT3ERR_NOENT, c.mnt("/" + Nfs3TestServer.EXPORT + "/nope").status);
            assertEquals(MountStatus.MNT3ERR_NOENT, c.mnt("/no-such-export").status);
        }
        LibNfs.Run ls = LibNfs.run(tmp, 60, "nfs-ls", server.url("a/b"));
        assertTrue(ls.ok() && ls.stdout().contains("file"), ls::describe);
    }
}
