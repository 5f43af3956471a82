package io.bucketfs.nfs.v4;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.bucketfs.backends.local.LocalDirectoryStore;
import io.bucketfs.nfs.NfsSettings;
import io.bucketfs.nfs.export.Cidr;
import io.bucketfs.nfs.export.Export;
import io.bucketfs.nfs.export.ExportRules;
import io.bucketfs.nfs.export.ExportTable;
import io.bucketfs.nfs.v4.attr.Fattr;
import io.bucketfs.nfs.v4.ops.LockDenied;
import io.bucketfs.nfs.v4.ops.OpArgs;
import io.bucketfs.nfs.v4.ops.OpCode;
import io.bucketfs.nfs.v4.ops.OpCreateSession;
import io.bucketfs.nfs.v4.ops.OpExchangeId;
import io.bucketfs.nfs.v4.ops.OpGetattr;
import io.bucketfs.nfs.v4.ops.OpGetfh;
import io.bucketfs.nfs.v4.ops.OpLock;
import io.bucketfs.nfs.v4.ops.OpLookup;
import io.bucketfs.nfs.v4.ops.OpOpen;
import io.bucketfs.nfs.v4.ops.OpPutrootfh;
import io.bucketfs.nfs.v4.ops.OpSequence;
import io.bucketfs.nfs.v4.xdr.Bitmap4;
import io.bucketfs.nfs.v4.xdr.Fattr4;
import io.bucketfs.nfs.v4.xdr.Stateid4;
import io.bucketfs.vfs.Caller;
import io.bucketfs.vfs.SetAttr;
import java.net.InetAddress;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/**
 * COMPOUNDs run directly through {@link CompoundProcessor}, without sockets, on a fake clock: lease expiry,
 * the grace period, export rules and the 4.1 sequencing rules.
 */
@Timeout(value = 60, unit = TimeUnit.SECONDS)
class CompoundHandlerTest {

    @TempDir
    Path tmp;
    NfsFixture fx;
    final AtomicLong clock = new AtomicLong(1_000_000_000L);
    Nfs4Service svc;
    InetAddress from;
    byte[] session;
    long clientId;
    int seq;

    @BeforeEach
    void start() throws Exception {
        fx = new NfsFixture(tmp, LocalDirectoryStore.create(Files.createDirectories(tmp.resolve("bucket"))));
        from = InetAddress.getByName("10.1.2.3");
        use(NfsFixture.settings(), fx.exports);
    }

    @AfterEach
    void stop() {
        fx.close();
    }

    private void use(NfsSettings settings, ExportTable exports) {
        svc = new Nfs4Service(settings, exports, clock::get);
    }

    private CompoundRes run(int minor, Caller who, OpArgs... ops) {
        return CompoundProcessor.process(new CompoundArgs("", minor, List.of(ops)),
                new CompoundContext(svc, minor, new Creds(who), from));
    }

    private void establish() {
        CompoundRes r = run(1, Caller.ROOT, new OpExchangeId.Args(new byte[8], "h".getBytes(StandardCharsets.UTF_8),
                0, OpExchangeId.SP4_NONE));
        OpExchangeId.Res x = r.result(OpCode.EXCHANGE_ID);
        clientId = x.clientId();
        r = run(1, Caller.ROOT, new OpCreateSession.Args(clientId, x.sequenceId(), 0, Nfs4TestClient.CHANNEL,
                Nfs4TestClient.CHANNEL, 0));
        assertEquals(NfsStat4.NFS4_OK, r.status());
        session = ((OpCreateSession.Res) r.result(OpCode.CREATE_SESSION)).sessionId();
    }

    private CompoundRes seq(Caller who, OpArgs... ops) {
        List<OpArgs> l = new ArrayList<>();
        l.add(new OpSequence.Args(session, ++seq, 0, 0, false));
        l.addAll(List.of(ops));
        return run(1, who, l.toArray(OpArgs[]::new));
    }

    private static OpOpen.Args create(String name, int mode) {
        return new OpOpen.Args(0, OpOpen.SHARE_ACCESS_BOTH, 0, 0, "o".getBytes(StandardCharsets.UTF_8),
                OpOpen.OPEN4_CREATE, OpOpen.UNCHECKED4, Fattr4.EMPTY, 0, OpOpen.CLAIM_NULL, name);
    }

    @Test
    void anExpiredLeaseReleasesTheClientsLocksInTheVfs() throws Exception {
        establish();
        CompoundRes r = seq(Caller.ROOT, new OpPutrootfh.Args(), new OpLookup.Args("default"),
                create("f", 0644), new OpGetfh.Args());
        Stateid4 open = ((OpOpen.Res) r.result(OpCode.OPEN)).stateid();
        r = seq(Caller.ROOT, new OpPutrootfh.Args(), new OpLookup.Args("default"), new OpLookup.Args("f"),
                new OpLock.Args(LockDenied.WRITE_LT, false, 0, 10, true, 0, open, 0, clientId, new byte[] {7}));
        assertEquals(NfsStat4.NFS4_OK, r.status());
        long fileId = fx.vfs.lookup(Caller.ROOT, fx.vfs.root(), "f").handle().fileId();
        assertEquals(1, fx.vfs.locks().locks(fileId).size());
        assertEquals(1, fx.vfs.locks().shares(fileId).size());

        clock.addAndGet(Duration.ofSeconds(10).toNanos()); // one lease: still held
        assertEquals(0, svc.state().expireIdle());
        clock.addAndGet(Duration.ofSeconds(10).toNanos()); // past one and a half leases
        assertEquals(1, svc.state().expireIdle());
        assertTrue(fx.vfs.locks().locks(fileId).isEmpty(), "the byte-range lock is released");
        assertTrue(fx.vfs.locks().shares(fileId).isEmpty(), "the share reservation is released");
        assertEquals(NfsStat4.NFS4ERR_BADSESSION, seq(Caller.ROOT, new OpPutrootfh.Args()).status());
    }

    @Test
    void theGracePeriodHoldsNewOpensAndRefusesLateReclaims() throws Exception {
        use(NfsFixture.settings().withGrace(Duration.ofSeconds(30)), fx.exports);
        establish();
        assertEquals(NfsStat4.NFS4ERR_GRACE, seq(Caller.ROOT, new OpPutrootfh.Args(), new OpLookup.Args("default"),
                create("g", 0644)).status());
        clock.addAndGet(Duration.ofSeconds(31).toNanos());
        seq(Caller.ROOT, new OpPutrootfh.Args()); // renew
        assertEquals(NfsStat4.NFS4_OK, seq(Caller.ROOT, new OpPutrootfh.Args(), new OpLookup.Args("default"),
                create("g", 0644)).status());
        assertEquals(NfsStat4.NFS4ERR_NO_GRACE, seq(Caller.ROOT, new OpPutrootfh.Args(),
                new OpLookup.Args("default"), new OpLookup.Args("g"), new OpOpen.Args(0, OpOpen.SHARE_ACCESS_READ,
                0, 0, new byte[] {1}, OpOpen.OPEN4_NOCREATE, -1, null, 0, OpOpen.CLAIM_PREVIOUS, null)).status());
    }

    @Test
    void exportRulesReadOnlyClientsAndRootSquash() throws Exception {
        ExportTable t = new ExportTable();
        t.add(new Export(1, "default", fx.vfs, new ExportRules(List.of(), true, true, 65534, 65534)));
        t.add(new Export(2, "private", fx.vfs, new ExportRules(List.of(Cidr.parse("192.168.0.0/16")), false,
                false, 65534, 65534)));
        use(NfsFixture.settings(), t);
        establish();
        assertEquals(NfsStat4.NFS4ERR_ROFS, seq(Caller.ROOT, new OpPutrootfh.Args(), new OpLookup.Args("default"),
                create("x", 0644)).status());
        assertEquals(NfsStat4.NFS4ERR_ACCESS, seq(Caller.ROOT, new OpPutrootfh.Args(),
                new OpLookup.Args("private")).status(), "10.1.2.3 is not in 192.168.0.0/16");
        fx.vfs.mkdir(Caller.ROOT, fx.vfs.root(), "secret", SetAttr.mode(0700));
        assertEquals(NfsStat4.NFS4ERR_ACCESS, seq(Caller.ROOT, new OpPutrootfh.Args(), new OpLookup.Args("default"),
                new OpLookup.Args("secret"), new OpLookup.Args("y")).status(), "root is squashed to nobody");
        CompoundRes owner = seq(new Caller(1000, 1000, null), new OpPutrootfh.Args(), new OpLookup.Args("default"),
                new OpGetattr.Args(Bitmap4.of(Fattr.OWNER)));
        assertEquals(NfsStat4.NFS4_OK, owner.status());
    }

    @Test
    void sessionRules() throws Exception {
        assertEquals(NfsStat4.NFS4ERR_OP_NOT_IN_SESSION, run(1, Caller.ROOT, new OpPutrootfh.Args()).status());
        establish();
        assertEquals(NfsStat4.NFS4ERR_SEQUENCE_POS, run(1, Caller.ROOT, new OpSequence.Args(session, ++seq, 0, 0,
                false), new OpSequence.Args(session, ++seq, 0, 0, false)).status());
        assertEquals(NfsStat4.NFS4ERR_BADSLOT, run(1, Caller.ROOT, new OpSequence.Args(session, 1, 99, 0, false))
                .status());
        assertEquals(NfsStat4.NFS4ERR_NOT_ONLY_OP, run(1, Caller.ROOT, new OpExchangeId.Args(new byte[8],
                new byte[] {1}, 0, 0), new OpPutrootfh.Args()).status());
        seq = 1; // the first SEQUENCE of the SEQUENCE_POS compound took slot 0's seqid 1
        assertEquals(NfsStat4.NFS4ERR_NOTSUPP, seq(Caller.ROOT, new io.bucketfs.nfs.v4.ops.OpRenew.Args(clientId))
                .status(), "RENEW is 4.0 only");
    }
}
