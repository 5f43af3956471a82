package io.bucketfs.nfs.v3;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.bucketfs.backends.ObjectStore;
import io.bucketfs.nfs.export.ExportRules;
import io.bucketfs.nfs.v3.proc.Create3;
import io.bucketfs.nfs.v3.proc.Lookup3;
import io.bucketfs.nfs.v3.proc.Read3;
import io.bucketfs.nfs.v3.proc.Readdirplus3;
import io.bucketfs.nfs.v3.proc.Write3;
import io.bucketfs.nfs.v3.xdr.NewObjRes3;
import io.bucketfs.nfs.v3.xdr.Sattr3;
import io.bucketfs.vfs.Caller;
import io.bucketfs.vfs.CreateMode;
import io.bucketfs.vfs.Entry;
import io.bucketfs.vfs.SetAttr;
import io.bucketfs.vfs.Vfs;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.HexFormat;
import java.util.List;
import java.util.Random;
import java.util.Set;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/**
 * NFSv3 end to end, written once and run per object store: the host's libnfs-utils and a small oncrpc4j client
 * against {@link Nfs3Program} + {@code MountProgram} on one ephemeral 127.0.0.1 port over a real VFS runtime.
 */
@Timeout(value = 300, unit = TimeUnit.SECONDS)
public abstract class Nfs3EndToEndTest {

    static final long CLIENT_TIMEOUT_SECONDS = 240;

    @TempDir
    Path tmp;

    protected ObjectStore store;
    protected Nfs3TestServer server;

    /** A store over a new, empty bucket. */
    protected abstract ObjectStore openStore() throws Exception;

    @BeforeEach
    void start() throws Exception {
        store = openStore();
        server = Nfs3TestServer.start(tmp, store, ExportRules.OPEN);
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

    // ------------------------------------------------------------------ libnfs round trips

    @Test
    void libnfsCopiesFilesInAndOutWithEqualChecksums() throws Exception {
        for (long size : new long[] {0, 1, 5L << 20, 64L << 20}) {
            Path src = randomFile("in-" + size, size, size);
            String url = server.url("f-" + size + ".bin");
            ok(LibNfs.run(tmp, CLIENT_TIMEOUT_SECONDS, "nfs-cp", src.toString(), url));
            Path back = tmp.resolve("back-" + size);
            ok(LibNfs.run(tmp, CLIENT_TIMEOUT_SECONDS, "nfs-cp", url, back.toString()));
            assertEquals(size, Files.size(back), "size of " + url);
            assertEquals(sha256(src), sha256(back), "sha256 of " + url);
            Files.delete(src);
            Files.delete(back);
        }
    }

    /**
     * libnfs's {@code nfs-cp} creates its target GUARDED (it cannot replace a file), so the overwrite goes the way
     * the Linux client's {@code O_TRUNC} does: CREATE UNCHECKED with size 0, then WRITE; libnfs reads it back.
     */
    @Test
    void overwritingAFileLeavesOnlyTheNewContent() throws Exception {
        Path big = randomFile("big", 300_000, 1);
        byte[] small = Files.readAllBytes(randomFile("small", 1000, 2));
        String url = server.url("over.bin");
        ok(LibNfs.run(tmp, CLIENT_TIMEOUT_SECONDS, "nfs-cp", big.toString(), url));
        LibNfs.Run again = LibNfs.run(tmp, CLIENT_TIMEOUT_SECONDS, "nfs-cp", big.toString(), url);
        assertFalse(again.ok(), "nfs-cp creates GUARDED: " + again.describe());
        assertTrue(again.stderr().contains("NFS3ERR_EXIST"), again::describe);
        try (Nfs3Client c = new Nfs3Client(server.port())) {
            byte[] root = c.root("/" + Nfs3TestServer.EXPORT);
            Create3.Args a = new Create3.Args();
            a.where = new io.bucketfs.nfs.v3.xdr.DirOpArgs3(root, "over.bin");
            a.mode = Create3.UNCHECKED;
            a.attrs = new Sattr3(null, null, null, 0L, null, null);
            NewObjRes3 r = c.call(8, a, new NewObjRes3());
            assertEquals(0, r.status);
            assertEquals(0, r.attr.size());
            assertEquals(0, c.write(r.handle, 0, small, Write3.FILE_SYNC).status);
        }
        Path back = tmp.resolve("over-back");
        ok(LibNfs.run(tmp, CLIENT_TIMEOUT_SECONDS, "nfs-cp", url, back.toString()));
        assertArrayEquals(small, Files.readAllBytes(back));
        LibNfs.Run cat = LibNfs.run(tmp, CLIENT_TIMEOUT_SECONDS, "nfs-cat", url);
        ok(cat);
        assertEquals(small.length, cat.stdout().getBytes(StandardCharsets.ISO_8859_1).length, cat::describe);
    }

    /** The objects are put in the bucket directly, as another tool would; the gateway lists them. */
    @Test
    void libnfsListsADirectoryOfTwoThousandEntries() throws Exception {
        Set<String> want = populate("many/", 2000);
        LibNfs.Run ls = LibNfs.run(tmp, CLIENT_TIMEOUT_SECONDS, "nfs-ls", server.url("many"));
        ok(ls);
        Set<String> seen = new HashSet<>();
        for (String line : ls.stdout().split("\n")) {
            String[] words = line.trim().split("\\s+");
            String last = words[words.length - 1];
            if (last.startsWith("file-")) {
                seen.add(last);
            }
        }
        assertEquals(want, seen, ls.describe());
    }

    // ------------------------------------------------------------------ our own client

    @Test
    void renameMkdirRemoveAndRmdirThroughTheRpcClient() throws Exception {
        Path src = randomFile("r", 10_000, 7);
        ok(LibNfs.run(tmp, CLIENT_TIMEOUT_SECONDS, "nfs-cp", src.toString(), server.url("old-name")));
        try (Nfs3Client c = new Nfs3Client(server.port())) {
            byte[] root = c.root("/" + Nfs3TestServer.EXPORT);
            NewObjRes3 d = c.mkdir(root, "sub");
            assertEquals(0, d.status);
            assertNotNull(d.handle);
            assertEquals(0, c.rename(root, "old-name", d.handle, "new-name").status);
            assertEquals(Nfs3Status.NFS3ERR_NOENT, c.lookup(root, "old-name").status);
            Path back = tmp.resolve("renamed-back");
            ok(LibNfs.run(tmp, CLIENT_TIMEOUT_SECONDS, "nfs-cp", server.url("sub/new-name"), back.toString()));
            assertEquals(sha256(src), sha256(back));
            assertEquals(Nfs3Status.NFS3ERR_NOTEMPTY, c.rmdir(root, "sub").status);
            assertEquals(0, c.remove(d.handle, "new-name").status);
            assertEquals(0, c.rmdir(root, "sub").status);
            assertEquals(Nfs3Status.NFS3ERR_NOENT, c.lookup(root, "sub").status);
        }
    }

    @Test
    void setattrHonoursTheCtimeGuard() throws Exception {
        try (Nfs3Client c = new Nfs3Client(server.port())) {
            byte[] root = c.root("/" + Nfs3TestServer.EXPORT);
            NewObjRes3 f = c.create(root, "guarded", Create3.GUARDED, 0);
            assertEquals(0, f.status);
            Instant ctime = c.getattr(f.handle).attr.ctime();
            Sattr3 chmod = new Sattr3(0600, null, null, null, null, null);
            assertEquals(Nfs3Status.NFS3ERR_NOT_SYNC, c.setattr(f.handle, chmod, ctime.minusSeconds(5)).status);
            assertEquals(0, c.setattr(f.handle, chmod, ctime).status);
            assertEquals(0600, c.getattr(f.handle).attr.mode());
            Sattr3 truncate = new Sattr3(null, null, null, 3L, null, null);
            assertEquals(0, c.setattr(f.handle, truncate, null).status);
            assertEquals(3, c.getattr(f.handle).attr.size());
        }
    }

    @Test
    void exclusiveCreateIsIdempotentForItsVerifierOnly() throws Exception {
        try (Nfs3Client c = new Nfs3Client(server.port())) {
            byte[] root = c.root("/" + Nfs3TestServer.EXPORT);
            NewObjRes3 first = c.create(root, "excl", Create3.EXCLUSIVE, 0x1234_5678_9abcL);
            assertEquals(0, first.status);
            NewObjRes3 again = c.create(root, "excl", Create3.EXCLUSIVE, 0x1234_5678_9abcL);
            assertEquals(0, again.status);
            assertArrayEquals(first.handle, again.handle);
            assertEquals(Nfs3Status.NFS3ERR_EXIST, c.create(root, "excl", Create3.EXCLUSIVE, 99).status);
            assertEquals(Nfs3Status.NFS3ERR_EXIST, c.create(root, "excl", Create3.GUARDED, 0).status);
        }
    }

    @Test
    void writeStabilityReadEofAndCommitVerifier() throws Exception {
        try (Nfs3Client c = new Nfs3Client(server.port())) {
            byte[] root = c.root("/" + Nfs3TestServer.EXPORT);
            byte[] fh = c.create(root, "w", Create3.UNCHECKED, 0).handle;
            byte[] data = "hello, nfs3".getBytes(StandardCharsets.UTF_8);
            Write3.Res w = c.write(fh, 0, data, Write3.UNSTABLE);
            assertEquals(0, w.status);
            assertEquals(data.length, w.count);
            assertEquals(server.vfs().writeVerifier(), w.verf);
            Write3.Res sync = c.write(fh, data.length, data, Write3.FILE_SYNC);
            assertEquals(Write3.FILE_SYNC, sync.committed);
            Read3.Res r = c.read(fh, 0, 1000);
            assertEquals(0, r.status);
            assertTrue(r.eof);
            assertEquals(2 * data.length, r.count);
            Read3.Res part = c.read(fh, 0, 5);
            assertFalse(part.eof);
            assertEquals("hello", new String(part.data, StandardCharsets.UTF_8));
        }
    }

    @Test
    void readdirplusPagesThroughADirectoryWithCookiesAndVerifier() throws Exception {
        Vfs vfs = server.vfs();
        Entry dir = vfs.mkdir(Caller.ROOT, vfs.root(), "paged", SetAttr.NONE);
        Set<String> want = new HashSet<>(List.of(".", ".."));
        for (int i = 0; i < 500; i++) {
            vfs.create(Caller.ROOT, dir.handle(), "e" + i, CreateMode.GUARDED, SetAttr.NONE, 0);
            want.add("e" + i);
        }
        try (Nfs3Client c = new Nfs3Client(server.port())) {
            c.root("/" + Nfs3TestServer.EXPORT);
            byte[] fh = c.lookup(c.root("/" + Nfs3TestServer.EXPORT), "paged").object;
            List<String> seen = new ArrayList<>();
            long cookie = 0;
            long verf = 0;
            int pages = 0;
            boolean eof = false;
            while (!eof) {
                Readdirplus3.Res r = c.readdirplus(fh, cookie, verf, 1024, 4096);
                assertEquals(0, r.status, "page " + pages);
                assertFalse(r.entries.isEmpty());
                for (Readdirplus3.EntryPlus3 e : r.entries) {
                    seen.add(e.name());
                    assertNotNull(e.attr());
                    assertNotNull(e.handle());
                    cookie = e.cookie();
                }
                verf = r.verf;
                eof = r.eof;
                pages++;
            }
            assertEquals(want.size(), seen.size(), "no entry twice");
            assertEquals(want, new HashSet<>(seen));
            assertTrue(pages > 10, "4 KiB pages: " + pages);
            assertEquals(Nfs3Status.NFS3ERR_TOOSMALL, c.readdirplus(fh, 0, 0, 1024, 100).status);
        }
    }

    @Test
    void aFileDeletedInTheBucketIsStaleNeverAnotherFile() throws Exception {
        Path first = randomFile("first", 5000, 11);
        ok(LibNfs.run(tmp, CLIENT_TIMEOUT_SECONDS, "nfs-cp", first.toString(), server.url("doomed")));
        server.sync();
        try (Nfs3Client c = new Nfs3Client(server.port())) {
            byte[] root = c.root("/" + Nfs3TestServer.EXPORT);
            Lookup3.Res l = c.lookup(root, "doomed");
            assertEquals(0, l.status);
            assertEquals(0, c.read(l.object, 0, 100).status);
            store.delete("doomed");
            // the gateway notices once the attribute TTL has passed; until then the handle still reads "first"
            long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(60);
            byte[] head = java.util.Arrays.copyOf(Files.readAllBytes(first), 100);
            int status;
            while (true) {
                Read3.Res r = c.read(l.object, 0, 100);
                status = r.status;
                if (status != 0) {
                    break;
                }
                assertArrayEquals(head, r.data, "before it is stale the handle reads its own file");
                assertTrue(System.nanoTime() < deadline, "still not stale after 60 s");
                Thread.sleep(200);
            }
            assertEquals(Nfs3Status.NFS3ERR_STALE, status);
            assertEquals(Nfs3Status.NFS3ERR_STALE, c.getattr(l.object).status);
            store.put("doomed", io.bucketfs.backends.Payload.ofBytes("second".getBytes(StandardCharsets.UTF_8)),
                    io.bucketfs.backends.PutOptions.NONE);
            Lookup3.Res again = c.lookup(root, "doomed");
            while (again.status != 0) {
                assertTrue(System.nanoTime() < deadline + TimeUnit.SECONDS.toNanos(60), "new object never seen");
                Thread.sleep(200);
                again = c.lookup(root, "doomed");
            }
            assertFalse(java.util.Arrays.equals(l.object, again.object), "a new file gets a new handle");
            assertEquals(Nfs3Status.NFS3ERR_STALE, c.read(l.object, 0, 100).status);
            assertEquals("second", new String(c.read(again.object, 0, 100).data, StandardCharsets.UTF_8));
        }
    }

    @Test
    void hardLinksAndSpecialFilesAreNotSupported() throws Exception {
        try (Nfs3Client c = new Nfs3Client(server.port())) {
            byte[] root = c.root("/" + Nfs3TestServer.EXPORT);
            byte[] fh = c.create(root, "target", Create3.GUARDED, 0).handle;
            io.bucketfs.nfs.v3.proc.Link3.Args link = new io.bucketfs.nfs.v3.proc.Link3.Args();
            link.fh = fh;
            link.link = new io.bucketfs.nfs.v3.xdr.DirOpArgs3(root, "alias");
            assertEquals(Nfs3Status.NFS3ERR_NOTSUPP,
                    c.call(15, link, new io.bucketfs.nfs.v3.proc.Link3.Res()).status);
            io.bucketfs.nfs.v3.proc.Mknod3.Args mknod = new io.bucketfs.nfs.v3.proc.Mknod3.Args();
            mknod.where = new io.bucketfs.nfs.v3.xdr.DirOpArgs3(root, "fifo");
            mknod.type = io.bucketfs.nfs.v3.xdr.Fattr3.NF3FIFO;
            assertEquals(Nfs3Status.NFS3ERR_NOTSUPP,
                    c.call(11, mknod, new io.bucketfs.nfs.v3.xdr.NewObjRes3()).status);
            io.bucketfs.nfs.v3.proc.Fsinfo3.Res info = c.call(19, new io.bucketfs.nfs.v3.xdr.FhArgs3(root),
                    new io.bucketfs.nfs.v3.proc.Fsinfo3.Res());
            assertEquals(0, info.status);
            assertEquals(io.bucketfs.nfs.NfsSettings.DEFAULT_MAX_IO_BYTES, info.rtmax);
            assertEquals(io.bucketfs.nfs.NfsSettings.DEFAULT_MAX_IO_BYTES, info.wtmax);
            assertEquals(0, info.properties & io.bucketfs.nfs.v3.proc.Fsinfo3.FSF3_LINK);
            assertNotEquals(0, info.properties & io.bucketfs.nfs.v3.proc.Fsinfo3.FSF3_CANSETTIME);
        }
    }

    // ------------------------------------------------------------------ helpers

    /** Puts {@code n} empty objects {@code <prefix>file-NNNNN.txt} into the bucket, 8 at a time. */
    Set<String> populate(String prefix, int n) throws Exception {
        Set<String> names = java.util.concurrent.ConcurrentHashMap.newKeySet();
        java.util.concurrent.ExecutorService pool = java.util.concurrent.Executors.newFixedThreadPool(8);
        try {
            List<java.util.concurrent.Future<?>> done = new ArrayList<>();
            for (int t = 0; t < 8; t++) {
                int first = t;
                done.add(pool.submit(() -> {
                    for (int i = first; i < n; i += 8) {
                        String name = String.format("file-%06d.txt", i);
                        store.put(prefix + name, io.bucketfs.backends.Payload.empty(),
                                io.bucketfs.backends.PutOptions.NONE);
                        names.add(name);
                    }
                    return null;
                }));
            }
            for (java.util.concurrent.Future<?> f : done) {
                f.get();
            }
        } finally {
            pool.shutdownNow();
        }
        return names;
    }

    static void ok(LibNfs.Run r) {
        assertTrue(r.ok(), r::describe);
    }

    Path randomFile(String name, long size, long seed) throws Exception {
        Path p = tmp.resolve(name);
        Random rnd = new Random(seed);
        byte[] buf = new byte[1 << 20];
        try (var out = Files.newOutputStream(p)) {
            long left = size;
            while (left > 0) {
                rnd.nextBytes(buf);
                int n = (int) Math.min(buf.length, left);
                out.write(buf, 0, n);
                left -= n;
            }
        }
        return p;
    }

    static String sha256(Path p) throws Exception {
        MessageDigest md = MessageDigest.getInstance("SHA-256");
        try (var in = Files.newInputStream(p)) {
            byte[] buf = new byte[1 << 16];
            int n;
            while ((n = in.read(buf)) > 0) {
                md.update(buf, 0, n);
            }
        }
        return HexFormat.of().formatHex(md.digest());
    }
}
