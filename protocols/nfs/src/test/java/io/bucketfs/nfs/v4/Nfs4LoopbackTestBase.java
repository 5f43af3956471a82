package io.bucketfs.nfs.v4;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.bucketfs.backends.ObjectStore;
import io.bucketfs.nfs.v4.attr.Fattr;
import io.bucketfs.nfs.v4.ops.LockDenied;
import io.bucketfs.nfs.v4.ops.LockRes;
import io.bucketfs.nfs.v4.ops.OpClose;
import io.bucketfs.nfs.v4.ops.OpCode;
import io.bucketfs.nfs.v4.ops.OpCommit;
import io.bucketfs.nfs.v4.ops.OpGetattr;
import io.bucketfs.nfs.v4.ops.OpGetfh;
import io.bucketfs.nfs.v4.ops.OpLock;
import io.bucketfs.nfs.v4.ops.OpLockt;
import io.bucketfs.nfs.v4.ops.OpLocku;
import io.bucketfs.nfs.v4.ops.OpLookup;
import io.bucketfs.nfs.v4.ops.OpLookupp;
import io.bucketfs.nfs.v4.ops.OpOpen;
import io.bucketfs.nfs.v4.ops.OpPutrootfh;
import io.bucketfs.nfs.v4.ops.OpRead;
import io.bucketfs.nfs.v4.ops.OpReaddir;
import io.bucketfs.nfs.v4.ops.OpRename;
import io.bucketfs.nfs.v4.ops.OpSavefh;
import io.bucketfs.nfs.v4.ops.OpSeek;
import io.bucketfs.nfs.v4.ops.OpWrite;
import io.bucketfs.nfs.v4.ops.StateidRes;
import io.bucketfs.nfs.v4.xdr.Bitmap4;
import io.bucketfs.nfs.v4.xdr.Fattr4;
import io.bucketfs.nfs.v4.xdr.Stateid4;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.List;
import java.util.Random;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/**
 * NFSv4.1 over TCP on loopback against a real VFS runtime: the test client speaks the server's own XDR. One
 * subclass per object store.
 */
@Timeout(value = 120, unit = TimeUnit.SECONDS)
abstract class Nfs4LoopbackTestBase {

    @TempDir
    Path tmp;
    NfsFixture fx;
    Nfs4TestClient c;

    protected abstract ObjectStore openStore() throws Exception;

    @BeforeEach
    void start() throws Exception {
        fx = new NfsFixture(tmp, openStore());
        fx.start();
        c = new Nfs4TestClient(fx.server.address(), "client-a", 0).establish();
    }

    @AfterEach
    void stop() throws Exception {
        if (c != null) {
            c.close();
        }
        if (fx != null) {
            fx.close();
        }
    }

    static OpOpen.Args create(String name, byte[] owner, int access) {
        return new OpOpen.Args(0, access, 0, 0, owner, OpOpen.OPEN4_CREATE, OpOpen.UNCHECKED4,
                new Fattr4(Bitmap4.of(Fattr.MODE), new byte[] {0, 0, 1, (byte) 0xa4}), 0, OpOpen.CLAIM_NULL, name);
    }

    static OpOpen.Args openExisting(String name, byte[] owner, int access) {
        return new OpOpen.Args(0, access, 0, 0, owner, OpOpen.OPEN4_NOCREATE, -1, null, 0, OpOpen.CLAIM_NULL,
                name);
    }

    static byte[] owner(String s) {
        return s.getBytes(StandardCharsets.UTF_8);
    }

    @Test
    void writeCommitReadCloseRenameAndList() throws Exception {
        byte[] dir = c.fh("default");
        byte[] data = new byte[300_000];
        new Random(7).nextBytes(data);
        CompoundRes r = c.ok(Nfs4TestClient.putfh(dir), create("a.txt", owner("o1"), OpOpen.SHARE_ACCESS_BOTH),
                new OpGetfh.Args());
        Stateid4 sid = ((OpOpen.Res) r.result(OpCode.OPEN)).stateid();
        byte[] file = ((OpGetfh.Res) r.result(OpCode.GETFH)).fh();
        r = c.ok(Nfs4TestClient.putfh(file), new OpWrite.Args(sid, 0, OpWrite.UNSTABLE4, ByteBuffer.wrap(data)),
                new OpCommit.Args(0, 0));
        OpWrite.Res w = r.result(OpCode.WRITE);
        assertEquals(data.length, w.count());
        assertEquals(fx.vfs.writeVerifier(), w.verifier());
        assertEquals(w.verifier(), ((OpCommit.Res) r.result(OpCode.COMMIT)).verifier());
        ByteBuffer back = ByteBuffer.allocate(data.length);
        while (back.hasRemaining()) {
            OpRead.Res rd = c.ok(Nfs4TestClient.putfh(file), new OpRead.Args(sid, back.position(), 1 << 20))
                    .result(OpCode.READ);
            back.put(rd.data());
            if (rd.eof()) {
                break;
            }
        }
        assertArrayEquals(data, back.array());
        StateidRes closed = c.ok(Nfs4TestClient.putfh(file), new OpClose.Args(0, sid)).result(OpCode.CLOSE);
        assertEquals(Stateid4.INVALID, closed.stateid());
        assertEquals(NfsStat4.NFS4ERR_BAD_STATEID, c.seq(Nfs4TestClient.putfh(file),
                new OpRead.Args(sid, 0, 10)).status(), "a closed stateid is gone");

        c.ok(Nfs4TestClient.putfh(dir), new OpSavefh.Args(), new OpRename.Args("a.txt", "b.txt"));
        OpReaddir.Res list = c.ok(Nfs4TestClient.putfh(dir), new OpReaddir.Args(0, 0, 4096, 32768,
                Bitmap4.of(Fattr.SIZE, Fattr.FILEID, Fattr.TYPE))).result(OpCode.READDIR);
        assertEquals(List.of("b.txt"), list.entries().stream().map(OpReaddir.Entry4::name).toList());
        assertTrue(list.eof());
        assertTrue(list.entries().get(0).cookie() >= 3);
    }

    @Test
    void readdirStreamsALargeDirectoryInPages() throws Exception {
        byte[] dir = c.fh("default");
        for (int i = 0; i < 120; i++) {
            fx.vfs.mkdir(io.bucketfs.vfs.Caller.ROOT, fx.vfs.root(), String.format("d%03d", i),
                    io.bucketfs.vfs.SetAttr.NONE);
        }
        long cookie = 0;
        long verf = 0;
        int pages = 0;
        java.util.List<String> names = new java.util.ArrayList<>();
        while (true) {
            OpReaddir.Res p = c.ok(Nfs4TestClient.putfh(dir), new OpReaddir.Args(cookie, verf, 1024, 2048,
                    Bitmap4.of(Fattr.TYPE, Fattr.FILEID))).result(OpCode.READDIR);
            pages++;
            p.entries().forEach(e -> names.add(e.name()));
            if (p.eof()) {
                break;
            }
            cookie = p.entries().get(p.entries().size() - 1).cookie();
            verf = p.verifier();
        }
        assertEquals(120, names.size());
        assertEquals(names.stream().sorted().toList(), names);
        assertTrue(pages > 2, "maxcount honoured: " + pages + " pages");
    }

    @Test
    void lockConflictBetweenTwoOwners() throws Exception {
        byte[] dir = c.fh("default");
        CompoundRes r = c.ok(Nfs4TestClient.putfh(dir), create("l.txt", owner("o1"), OpOpen.SHARE_ACCESS_BOTH),
                new OpGetfh.Args());
        Stateid4 open = ((OpOpen.Res) r.result(OpCode.OPEN)).stateid();
        byte[] file = ((OpGetfh.Res) r.result(OpCode.GETFH)).fh();
        LockRes a = c.ok(Nfs4TestClient.putfh(file), new OpLock.Args(LockDenied.WRITE_LT, false, 0, 100, true, 0,
                open, 0, c.clientId, owner("lockA"))).result(OpCode.LOCK);
        try (Nfs4TestClient other = new Nfs4TestClient(fx.server.address(), "client-b", 0).establish()) {
            CompoundRes r2 = other.ok(Nfs4TestClient.putfh(dir), openExisting("l.txt", owner("o2"),
                    OpOpen.SHARE_ACCESS_BOTH));
            Stateid4 open2 = ((OpOpen.Res) r2.result(OpCode.OPEN)).stateid();
            CompoundRes denied = other.seq(Nfs4TestClient.putfh(file), new OpLock.Args(LockDenied.WRITE_LT, false,
                    50, 10, true, 0, open2, 0, other.clientId, owner("lockB")));
            assertEquals(NfsStat4.NFS4ERR_DENIED, denied.status());
            LockDenied d = ((LockRes) denied.result(OpCode.LOCK)).denied();
            assertEquals(0, d.offset());
            assertEquals(100, d.length());
            assertEquals(c.clientId, d.clientId());
            assertArrayEquals(owner("lockA"), d.owner());
            CompoundRes t = other.seq(Nfs4TestClient.putfh(file), new OpLockt.Args(LockDenied.READ_LT, 0, 1,
                    other.clientId, owner("lockB")));
            assertEquals(NfsStat4.NFS4ERR_DENIED, t.status());
            assertEquals(1, ((LockRes) t.result(OpCode.LOCKT)).denied().lockType() == LockDenied.WRITE_LT ? 1 : 0);

            c.ok(Nfs4TestClient.putfh(file), new OpLocku.Args(LockDenied.WRITE_LT, 0, a.stateid(), 0, 100));
            other.ok(Nfs4TestClient.putfh(file), new OpLockt.Args(LockDenied.WRITE_LT, 0, 100, other.clientId,
                    owner("lockB")));
            other.ok(Nfs4TestClient.putfh(file), new OpLock.Args(LockDenied.WRITE_LT, false, 50, 10, true, 0,
                    open2, 0, other.clientId, owner("lockB")));
            assertEquals(1, fx.vfs.locks().locks(fx.vfs.lookup(io.bucketfs.vfs.Caller.ROOT, fx.vfs.root(),
                    "l.txt").handle().fileId()).size(), "the lock is in the VFS lock manager");
        }
    }

    @Test
    void aRetransmittedSeqidGetsTheCachedReply() throws Exception {
        byte[] dir = c.fh("default");
        int s = c.nextSeq();
        CompoundRes first = c.seqWith(s, true, Nfs4TestClient.putfh(dir), new OpOpen.Args(0,
                OpOpen.SHARE_ACCESS_BOTH, 0, 0, owner("o1"), OpOpen.OPEN4_CREATE, OpOpen.GUARDED4, Fattr4.EMPTY, 0,
                OpOpen.CLAIM_NULL, "once.txt"));
        assertEquals(NfsStat4.NFS4_OK, first.status());
        CompoundRes again = c.seqWith(s, true, Nfs4TestClient.putfh(dir), new OpOpen.Args(0,
                OpOpen.SHARE_ACCESS_BOTH, 0, 0, owner("o1"), OpOpen.OPEN4_CREATE, OpOpen.GUARDED4, Fattr4.EMPTY, 0,
                OpOpen.CLAIM_NULL, "once.txt"));
        assertEquals(NfsStat4.NFS4_OK, again.status(), "not a second GUARDED create (EXIST)");
        assertEquals(((OpOpen.Res) first.result(OpCode.OPEN)).stateid(),
                ((OpOpen.Res) again.result(OpCode.OPEN)).stateid());
        assertEquals(NfsStat4.NFS4ERR_SEQ_MISORDERED, c.seqWith(s + 5, false, new OpPutrootfh.Args()).status());
        CompoundRes next = c.seqWith(s + 1, false, Nfs4TestClient.putfh(dir), new OpOpen.Args(0,
                OpOpen.SHARE_ACCESS_BOTH, 0, 0, owner("o2"), OpOpen.OPEN4_CREATE, OpOpen.GUARDED4, Fattr4.EMPTY, 0,
                OpOpen.CLAIM_NULL, "once.txt"));
        assertEquals(NfsStat4.NFS4ERR_EXIST, next.status());
    }

    @Test
    void aHandleIsStaleOnceTheFileIsDeletedOutOfBand() throws Exception {
        byte[] dir = c.fh("default");
        CompoundRes r = c.ok(Nfs4TestClient.putfh(dir), create("gone.txt", owner("o1"), OpOpen.SHARE_ACCESS_BOTH),
                new OpGetfh.Args());
        Stateid4 sid = ((OpOpen.Res) r.result(OpCode.OPEN)).stateid();
        byte[] file = ((OpGetfh.Res) r.result(OpCode.GETFH)).fh();
        c.ok(Nfs4TestClient.putfh(file), new OpWrite.Args(sid, 0, OpWrite.FILE_SYNC4,
                ByteBuffer.wrap("x".getBytes(StandardCharsets.UTF_8))), new OpClose.Args(0, sid));
        fx.runtime.sync(60, TimeUnit.SECONDS);
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(20);
        int status;
        do {
            fx.store.delete("gone.txt"); // out of band, as another S3 tool would
            status = c.seq(Nfs4TestClient.putfh(file), new OpGetattr.Args(Bitmap4.of(Fattr.SIZE))).status();
            if (status == NfsStat4.NFS4_OK) {
                Thread.sleep(100);
            }
        } while (status == NfsStat4.NFS4_OK && System.nanoTime() < deadline);
        assertEquals(NfsStat4.NFS4ERR_STALE, status);
    }

    @Test
    void thePseudoRootListsTheExportAndIsItsParent() throws Exception {
        OpReaddir.Res root = c.ok(new OpPutrootfh.Args(), new OpReaddir.Args(0, 0, 4096, 8192,
                Bitmap4.of(Fattr.FSID, Fattr.MOUNTED_ON_FILEID))).result(OpCode.READDIR);
        assertEquals(List.of("default"), root.entries().stream().map(OpReaddir.Entry4::name).toList());
        Bitmap4 fsid = Bitmap4.of(Fattr.FSID);
        CompoundRes r = c.ok(new OpPutrootfh.Args(), new OpGetattr.Args(fsid), new OpLookup.Args("default"),
                new OpGetattr.Args(fsid), new OpLookupp.Args(), new OpGetfh.Args());
        List<io.bucketfs.nfs.v4.ops.OpRes> res = r.results();
        assertNotEquals(java.util.Arrays.toString(((OpGetattr.Res) res.get(2)).attrs().values()),
                java.util.Arrays.toString(((OpGetattr.Res) res.get(4)).attrs().values()), "an fsid per export");
        assertArrayEquals(io.bucketfs.nfs.NfsFileHandles.pseudoRoot(), ((OpGetfh.Res) res.get(6)).fh());
        assertEquals(NfsStat4.NFS4ERR_NOENT, c.seq(new OpPutrootfh.Args(), new OpLookup.Args("nope")).status());
    }

    @Test
    void minorVersionTwoSeeksAndThreeIsRefused() throws Exception {
        byte[] dir = c.fh("default");
        CompoundRes r = c.ok(Nfs4TestClient.putfh(dir), create("s.txt", owner("o1"), OpOpen.SHARE_ACCESS_BOTH),
                new OpGetfh.Args());
        Stateid4 sid = ((OpOpen.Res) r.result(OpCode.OPEN)).stateid();
        byte[] file = ((OpGetfh.Res) r.result(OpCode.GETFH)).fh();
        c.ok(Nfs4TestClient.putfh(file), new OpWrite.Args(sid, 0, OpWrite.FILE_SYNC4, ByteBuffer.allocate(1000)));
        CompoundRes two = c.compound(2, List.of(new io.bucketfs.nfs.v4.ops.OpSequence.Args(c.sessionId,
                c.nextSeq(), 0, 0, false), Nfs4TestClient.putfh(file), new OpSeek.Args(sid, 10,
                OpSeek.NFS4_CONTENT_HOLE)));
        assertEquals(NfsStat4.NFS4_OK, two.status());
        assertEquals(1000, ((OpSeek.Res) two.result(OpCode.SEEK)).offset());
        CompoundRes three = c.compound(3, List.of(new OpPutrootfh.Args()));
        assertEquals(NfsStat4.NFS4ERR_MINOR_VERS_MISMATCH, three.status());
        assertTrue(three.results().isEmpty());
        assertFalse(c.compound(1, List.of(new OpPutrootfh.Args())).status() == NfsStat4.NFS4_OK,
                "4.1 without SEQUENCE is refused");
    }

    @Test
    void createRemoveLinkReadlinkSetattrDowngradeAndStateids() throws Exception {
        byte[] dir = c.fh("default");
        Bitmap4 none = Bitmap4.EMPTY;
        c.ok(Nfs4TestClient.putfh(dir), new io.bucketfs.nfs.v4.ops.OpCreate.Args(Fattr.NF4DIR, null, "sub",
                Fattr4.EMPTY));
        CompoundRes ln = c.ok(Nfs4TestClient.putfh(dir), new io.bucketfs.nfs.v4.ops.OpCreate.Args(Fattr.NF4LNK,
                "sub/target", "link", Fattr4.EMPTY), new io.bucketfs.nfs.v4.ops.OpReadlink.Args());
        assertEquals("sub/target", ((io.bucketfs.nfs.v4.ops.OpReadlink.Res) ln.result(OpCode.READLINK)).target());
        assertEquals(NfsStat4.NFS4ERR_NOTSUPP, c.seq(Nfs4TestClient.putfh(dir),
                new io.bucketfs.nfs.v4.ops.OpCreate.Args(Fattr.NF4FIFO, null, "fifo", Fattr4.EMPTY)).status());

        CompoundRes r = c.ok(Nfs4TestClient.putfh(dir), create("f", owner("o1"), OpOpen.SHARE_ACCESS_BOTH),
                new OpGetfh.Args());
        Stateid4 sid = ((OpOpen.Res) r.result(OpCode.OPEN)).stateid();
        byte[] file = ((OpGetfh.Res) r.result(OpCode.GETFH)).fh();
        assertEquals(NfsStat4.NFS4ERR_NOTSUPP, c.seq(Nfs4TestClient.putfh(file), new OpSavefh.Args(),
                Nfs4TestClient.putfh(dir), new io.bucketfs.nfs.v4.ops.OpLink.Args("hard")).status(),
                "no hard links in the VFS");

        Fattr4 chown = new Fattr4(Bitmap4.of(Fattr.MODE, Fattr.OWNER, Fattr.OWNER_GROUP), java.util.HexFormat.of()
                .parseHex("00000180" + "00000004" + "31303030" + "00000003" + "31303000"));
        c.ok(Nfs4TestClient.putfh(file), new io.bucketfs.nfs.v4.ops.OpSetattr.Args(Stateid4.ANONYMOUS, chown));
        OpGetattr.Res a = c.ok(Nfs4TestClient.putfh(file), new OpGetattr.Args(Bitmap4.of(Fattr.MODE, Fattr.OWNER,
                Fattr.OWNER_GROUP))).result(OpCode.GETATTR);
        assertEquals("00000180" + "00000004" + "31303030" + "00000003" + "31303000",
                java.util.HexFormat.of().formatHex(a.attrs().values()), "mode 0600, owner \"1000\", group \"100\"");

        StateidRes down = c.ok(Nfs4TestClient.putfh(file), new io.bucketfs.nfs.v4.ops.OpOpenDowngrade.Args(sid, 0,
                OpOpen.SHARE_ACCESS_READ, 0)).result(OpCode.OPEN_DOWNGRADE);
        assertEquals(NfsStat4.NFS4ERR_OPENMODE, c.seq(Nfs4TestClient.putfh(file), new OpWrite.Args(down.stateid(),
                0, OpWrite.UNSTABLE4, ByteBuffer.allocate(1))).status());
        io.bucketfs.nfs.v4.ops.OpTestStateid.Res t = c.ok(new io.bucketfs.nfs.v4.ops.OpTestStateid.Args(List.of(
                down.stateid(), sid, Stateid4.ANONYMOUS))).result(OpCode.TEST_STATEID);
        assertArrayEquals(new int[] {NfsStat4.NFS4_OK, NfsStat4.NFS4ERR_OLD_STATEID, NfsStat4.NFS4ERR_BAD_STATEID},
                t.codes());
        assertEquals(NfsStat4.NFS4ERR_LOCKS_HELD, c.seq(new io.bucketfs.nfs.v4.ops.OpFreeStateid.Args(sid))
                .status(), "an open is freed by CLOSE");
        assertEquals(NfsStat4.NFS4ERR_BAD_STATEID, c.seq(Nfs4TestClient.putfh(file),
                new io.bucketfs.nfs.v4.ops.OpDelegreturn.Args(sid)).status());
        c.ok(Nfs4TestClient.putfh(file), new OpClose.Args(0, down.stateid()));

        c.ok(Nfs4TestClient.putfh(dir), new io.bucketfs.nfs.v4.ops.OpRemove.Args("f"),
                new io.bucketfs.nfs.v4.ops.OpRemove.Args("link"), new io.bucketfs.nfs.v4.ops.OpRemove.Args("sub"));
        assertEquals(NfsStat4.NFS4ERR_NOENT, c.seq(Nfs4TestClient.putfh(dir), new OpLookup.Args("f")).status());
        assertTrue(none.isEmpty());
    }
}
