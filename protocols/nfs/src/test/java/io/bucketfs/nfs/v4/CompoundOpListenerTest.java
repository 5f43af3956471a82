package io.bucketfs.nfs.v4;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.bucketfs.backends.local.LocalDirectoryStore;
import io.bucketfs.nfs.v4.ops.OpGetfh;
import io.bucketfs.nfs.v4.ops.OpLookup;
import io.bucketfs.nfs.v4.ops.OpPutrootfh;
import io.bucketfs.vfs.Caller;
import java.net.InetAddress;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/** The metrics hook: every operation of a COMPOUND is reported once, by name, with its outcome. */
@Timeout(value = 30, unit = TimeUnit.SECONDS)
class CompoundOpListenerTest {

    @TempDir
    Path tmp;

    @Test
    void eachOperationIsReportedWithItsOutcome() throws Exception {
        NfsFixture fx = new NfsFixture(tmp, LocalDirectoryStore.create(Files.createDirectories(tmp.resolve("b"))));
        try {
            Nfs4Service svc = new Nfs4Service(NfsFixture.settings(), fx.exports, System::nanoTime);
            List<String> seen = new CopyOnWriteArrayList<>();
            svc.opListener((protocol, op, nanos, failed) -> seen.add(protocol + " " + op + " " + failed
                    + (nanos >= 0 ? "" : " negative")));
            CompoundRes r = CompoundProcessor.process(new CompoundArgs("", 0, List.of(new OpPutrootfh.Args(),
                    new OpLookup.Args("nosuch"), new OpGetfh.Args())), new CompoundContext(svc, 0,
                    new Creds(Caller.ROOT), InetAddress.getLoopbackAddress()));
            assertEquals(NfsStat4.NFS4ERR_NOENT, r.status());
            assertEquals(List.of("nfs4 PUTROOTFH false", "nfs4 LOOKUP true"), seen,
                    "the failed LOOKUP ends the COMPOUND; GETFH never ran");
            assertTrue(seen.stream().noneMatch(s -> s.endsWith("negative")));
        } finally {
            fx.close();
        }
    }
}
