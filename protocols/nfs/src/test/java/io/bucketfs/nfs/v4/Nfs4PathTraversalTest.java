package io.bucketfs.nfs.v4;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.bucketfs.backends.ListRequest;
import io.bucketfs.backends.Payload;
import io.bucketfs.backends.PutOptions;
import io.bucketfs.backends.local.LocalDirectoryStore;
import io.bucketfs.nfs.v4.attr.Fattr;
import io.bucketfs.nfs.v4.ops.OpArgs;
import io.bucketfs.nfs.v4.ops.OpCreate;
import io.bucketfs.nfs.v4.ops.OpGetfh;
import io.bucketfs.nfs.v4.ops.OpLink;
import io.bucketfs.nfs.v4.ops.OpLookup;
import io.bucketfs.nfs.v4.ops.OpOpen;
import io.bucketfs.nfs.v4.ops.OpPutrootfh;
import io.bucketfs.nfs.v4.ops.OpRename;
import io.bucketfs.nfs.v4.ops.OpSavefh;
import io.bucketfs.nfs.v4.xdr.Bitmap4;
import io.bucketfs.nfs.v4.xdr.Fattr4;
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
 * Path traversal over NFSv4.1 (README "Security defaults"): LOOKUP, OPEN, CREATE, RENAME and LINK refuse
 * {@code .} and {@code ..} and names holding {@code /} or NUL with NFS4ERR_BADNAME, an empty name with
 * NFS4ERR_INVAL and one over 255 bytes with NFS4ERR_NAMETOOLONG (RFC 8881 14.2); nothing reaches the store outside
 * the export's prefix.
 */
@Timeout(value = 60, unit = TimeUnit.SECONDS)
class Nfs4PathTraversalTest {
    private static final String PREFIX = "inside/";

    @TempDir
    Path tmp;
    private NfsFixture fx;
    private Nfs4TestClient c;

    @AfterEach
    void stop() throws Exception {
        if (c != null) {
            c.close();
        }
        if (fx != null) {
            fx.close();
        }
    }

    @Test
    void traversalNamesAreRefusedByEveryOperationThatTakesOne() throws Exception {
        LocalDirectoryStore store = LocalDirectoryStore.create(Files.createDirectories(tmp.resolve("bucket")));
        store.put("outside.txt", Payload.ofBytes("not yours".getBytes(StandardCharsets.UTF_8)), PutOptions.NONE);
        fx = new NfsFixture(tmp, store, PREFIX);
        fx.start();
        c = new Nfs4TestClient(fx.server.address(), "traversal", 0).establish();
        byte[] dir = c.fh("default");
        c.ok(Nfs4TestClient.putfh(dir), Nfs4LoopbackTestBase.create("victim", Nfs4LoopbackTestBase.owner("o"),
                OpOpen.SHARE_ACCESS_BOTH));
        byte[] victim = c.fh("default", "victim");
        assertEquals(NfsStat4.NFS4ERR_BADNAME, c.seq(new OpPutrootfh.Args(), new OpLookup.Args("..")).status(),
                "no '..' out of the pseudo root either");

        List<String> badNames = List.of("..", ".", "../outside.txt", "a/b", "/abs", "nul\0x");
        for (String bad : badNames) {
            expect(NfsStat4.NFS4ERR_BADNAME, bad, dir, victim);
        }
        expect(NfsStat4.NFS4ERR_INVAL, "", dir, victim);
        expect(NfsStat4.NFS4ERR_NAMETOOLONG, "n".repeat(256), dir, victim);
        expect(NfsStat4.NFS4ERR_NAMETOOLONG, "\u00e9".repeat(128), dir, victim);
        c.ok(Nfs4TestClient.putfh(dir), Nfs4LoopbackTestBase.create("n".repeat(200),
                Nfs4LoopbackTestBase.owner("o"), OpOpen.SHARE_ACCESS_BOTH)); // the control: a long name that is one

        fx.runtime.sync(30, TimeUnit.SECONDS);
        List<String> keys = new ArrayList<>();
        store.list(ListRequest.flat("")).objects().forEach(o -> keys.add(o.key()));
        assertTrue(keys.contains(PREFIX + "victim") && keys.contains(PREFIX + "n".repeat(200)), keys::toString);
        for (String k : keys) {
            assertTrue(k.startsWith(PREFIX) || k.equals("outside.txt"), "a key outside the export's prefix: " + k);
        }
    }

    /** Every operation naming {@code name} fails with {@code status}. */
    private void expect(int status, String name, byte[] dir, byte[] victim) throws Exception {
        Fattr4 mode = new Fattr4(Bitmap4.of(Fattr.MODE), new byte[] {0, 0, 1, (byte) 0xed});
        List<OpArgs[]> calls = List.of(
                new OpArgs[] {Nfs4TestClient.putfh(dir), new OpLookup.Args(name)},
                new OpArgs[] {Nfs4TestClient.putfh(dir), Nfs4LoopbackTestBase.create(name,
                        Nfs4LoopbackTestBase.owner("o"), OpOpen.SHARE_ACCESS_BOTH)},
                new OpArgs[] {Nfs4TestClient.putfh(dir), new OpCreate.Args(Fattr.NF4DIR, null, name, mode)},
                new OpArgs[] {Nfs4TestClient.putfh(dir), new OpCreate.Args(Fattr.NF4LNK, "x", name, mode)},
                new OpArgs[] {Nfs4TestClient.putfh(dir), new OpSavefh.Args(), new OpRename.Args("victim", name)},
                new OpArgs[] {Nfs4TestClient.putfh(dir), new OpSavefh.Args(), new OpRename.Args(name, "other")},
                new OpArgs[] {Nfs4TestClient.putfh(victim), new OpSavefh.Args(), Nfs4TestClient.putfh(dir),
                    new OpLink.Args(name)});
        for (OpArgs[] ops : calls) {
            CompoundRes r = c.seq(ops);
            int op = ops[ops.length - 1].opcode();
            assertEquals(NfsStat4.name(status), NfsStat4.name(r.status()), "op " + op + " with '" + name + "'");
            assertEquals(op, r.results().get(r.results().size() - 1).opcode(), "the named operation failed");
        }
    }
}
