package io.bucketfs.tests.faults;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.hierynomus.msdtyp.AccessMask;
import com.hierynomus.mssmb2.SMB2CreateDisposition;
import com.hierynomus.mssmb2.SMB2ShareAccess;
import com.hierynomus.smbj.SMBClient;
import com.hierynomus.smbj.SmbConfig;
import com.hierynomus.smbj.auth.AuthenticationContext;
import com.hierynomus.smbj.session.Session;
import com.hierynomus.smbj.share.DiskShare;
import com.hierynomus.smbj.share.File;
import io.bucketfs.tests.MachineBound;
import io.bucketfs.tests.servers.ServerLauncher;
import io.bucketfs.tests.vm.TestVm;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collections;
import java.util.EnumSet;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.TreeMap;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/**
 * 64 clients at once against {@code bucketfs serve} (its own JVM, heap and direct memory capped by JVM options): 32
 * NFSv3 clients ({@code nfs-meta}: write a file of their own, COMMIT, read it back) and 32 SMB 3.1.1 sessions (SMBJ:
 * create, write, flush, read back, rename, a byte-range lock and unlock on a file all of them share, delete).
 * Zero errors, every byte read back as written, the gateway's RSS sampled every second within what its settings
 * allow; p50/p99 per operation reported. CI runs 60 s; {@code -Dbucketfs.load.long=true} runs the 10 minutes.
 */
@Timeout(value = 20, unit = TimeUnit.MINUTES)
@MachineBound
class MixedLoadTest {

    private static final boolean LONG = Boolean.getBoolean("bucketfs.load.long");
    private static final Duration RUN = LONG ? Duration.ofMinutes(10) : Duration.ofSeconds(60);
    private static final int CLIENTS = 64;
    private static final int HEAP_MIB = 512;
    private static final int DIRECT_MIB = 256;
    /** Heap and direct memory as set, plus the JVM's own (metaspace, code cache, thread stacks, GC structures). */
    private static final long RSS_BOUND_MIB = HEAP_MIB + DIRECT_MIB + 512;

    @TempDir
    Path tmp;
    private final Map<String, List<Long>> millis = new ConcurrentHashMap<>();
    private final List<String> errors = Collections.synchronizedList(new ArrayList<>());

    @Test
    void sixtyFourNfsAndSmbClientsRunWithoutErrorsInBoundedMemory() throws Exception {
        Path root = TestVm.repoRootFromProperty();
        Path jar = Path.of(System.getProperty("bucketfs.dist", "../gateway/target"))
                .resolve("bucketfs-gateway.jar").toAbsolutePath();
        int nfsPort = ServerLauncher.freePort();
        int smbPort = ServerLauncher.freePort();
        while (smbPort == nfsPort) {
            smbPort = ServerLauncher.freePort();
        }
        try (ServerLauncher.Running gw = ServerLauncher.BUCKETFS.start(root, tmp.resolve("gw"), tmp.resolve("data"),
                nfsPort, Map.of("SERVER_SMB_PORT", Integer.toString(smbPort), "BUCKETFS_JAR", jar.toString(),
                        "JAVA_OPTS", "-Xmx" + HEAP_MIB + "m -XX:MaxDirectMemorySize=" + DIRECT_MIB + "m"))) {
            String[] cred = gw.credentials().split("%", 2);
            Clients nfs = new Clients(Clients.compileNfsMeta(root, tmp), nfsPort, smbPort, gw.credentials(), 120);
            SmbConfig config = SmbConfig.builder().withTimeout(120, TimeUnit.SECONDS).build();
            try (SMBClient c = new SMBClient(config); Session s = session(c, smbPort, cred);
                 DiskShare share = (DiskShare) s.connectShare("default")) {
                share.mkdir("load");
                try (File shared = open(share, "load/shared.lock")) {
                    shared.write(new byte[CLIENTS * 100], 0);
                }
            }
            AtomicLong maxRss = new AtomicLong();
            long end = System.nanoTime() + RUN.toNanos();
            ExecutorService pool = Executors.newFixedThreadPool(CLIENTS + 1);
            try {
                Future<?> sampler = pool.submit(() -> {
                    while (System.nanoTime() < end) {
                        maxRss.accumulateAndGet(gw.rssMiB(), Math::max);
                        Thread.sleep(1000);
                    }
                    return null;
                });
                List<Future<?>> workers = new ArrayList<>();
                for (int i = 0; i < CLIENTS; i++) {
                    int id = i;
                    int port = smbPort;
                    workers.add(pool.submit(() -> {
                        if (id % 2 == 0) {
                            nfsClient(nfs, id, end);
                        } else {
                            smbClient(config, port, cred, id, end);
                        }
                        return null;
                    }));
                }
                for (Future<?> w : workers) {
                    w.get(RUN.toSeconds() + 300, TimeUnit.SECONDS);
                }
                sampler.get(30, TimeUnit.SECONDS);
            } finally {
                pool.shutdownNow();
            }
            gw.checkAlive();
            StringBuilder b = new StringBuilder("MixedLoadTest: " + CLIENTS + " clients for " + RUN.toSeconds()
                    + " s; gateway -Xmx" + HEAP_MIB + "m, max RSS " + maxRss.get() + " MiB (bound " + RSS_BOUND_MIB
                    + ")");
            long total = 0;
            for (Map.Entry<String, List<Long>> e : new TreeMap<>(millis).entrySet()) {
                List<Long> m = new ArrayList<>(e.getValue());
                Collections.sort(m);
                total += m.size();
                b.append(String.format("%n  %-14s %6d ops  p50 %5d ms  p99 %5d ms  max %5d ms", e.getKey(), m.size(),
                        m.get(m.size() / 2), m.get((int) Math.min(m.size() - 1, Math.round(m.size() * 0.99))),
                        m.get(m.size() - 1)));
            }
            System.out.println(b);
            assertEquals(List.of(), errors, "errors under load");
            assertTrue(total > CLIENTS * 5L, "too little work got done: " + b);
            assertTrue(maxRss.get() > 0 && maxRss.get() <= RSS_BOUND_MIB, "the gateway's RSS: " + b);
        }
    }

    private static Session session(SMBClient c, int port, String[] cred) throws Exception {
        return c.connect("127.0.0.1", port).authenticate(new AuthenticationContext(cred[0], cred[1].toCharArray(),
                "WORKGROUP"));
    }

    private static File open(DiskShare share, String name) {
        return share.openFile(name, EnumSet.of(AccessMask.GENERIC_READ, AccessMask.GENERIC_WRITE, AccessMask.DELETE),
                null, SMB2ShareAccess.ALL, SMB2CreateDisposition.FILE_OVERWRITE_IF, null);
    }

    private void timed(String op, long t0) {
        millis.computeIfAbsent(op, k -> Collections.synchronizedList(new ArrayList<>()))
                .add((System.nanoTime() - t0) / 1_000_000);
    }

    private void nfsClient(Clients nfs, int id, long end) throws Exception {
        Random r = new Random(id);
        Path local = tmp.resolve("nfs-" + id);
        for (int n = 0; System.nanoTime() < end; n++) {
            byte[] b = Workload.content(r.nextLong(), 4096 + r.nextInt(256 * 1024));
            Files.write(local, b);
            String name = "load/nfs-" + id + "-" + n;
            long t0 = System.nanoTime();
            Clients.Outcome w = nfs.nfsWrite(local, name);
            timed("nfs-write", t0);
            if (!w.ok()) {
                errors.add("nfs write " + name + ": " + w);
                continue;
            }
            t0 = System.nanoTime();
            Clients.Outcome rd = nfs.nfsRead(name);
            timed("nfs-read", t0);
            if (!rd.ok() || !Workload.sha256(rd.stdout()).equals(Workload.sha256(b))) {
                errors.add("nfs read " + name + ": " + (rd.ok() ? "wrong bytes" : rd));
            }
        }
    }

    private void smbClient(SmbConfig config, int port, String[] cred, int id, long end) {
        Random r = new Random(id);
        try (SMBClient c = new SMBClient(config); Session s = session(c, port, cred);
             DiskShare share = (DiskShare) s.connectShare("default")) {
            for (int n = 0; System.nanoTime() < end; n++) {
                String name = "load/smb-" + id + "-" + n;
                byte[] b = Workload.content(r.nextLong(), 4096 + r.nextInt(256 * 1024));
                long t0 = System.nanoTime();
                try (File f = open(share, name)) {
                    f.write(b, 0);
                    f.flush();
                }
                timed("smb-write", t0);
                t0 = System.nanoTime();
                byte[] got = new byte[b.length];
                try (File f = share.openFile(name, EnumSet.of(AccessMask.GENERIC_READ), null, SMB2ShareAccess.ALL,
                        SMB2CreateDisposition.FILE_OPEN, null)) {
                    int at = 0;
                    for (int k; at < got.length && (k = f.read(got, at, at, got.length - at)) > 0; ) {
                        at += k;
                    }
                }
                timed("smb-read", t0);
                if (!Workload.sha256(got).equals(Workload.sha256(b))) {
                    errors.add("smb read " + name + ": wrong bytes");
                }
                t0 = System.nanoTime();
                try (File f = share.openFile(name, EnumSet.of(AccessMask.DELETE, AccessMask.GENERIC_READ), null,
                        SMB2ShareAccess.ALL, SMB2CreateDisposition.FILE_OPEN, null)) {
                    f.rename("load\\smb-" + id + "-" + n + ".r");
                }
                timed("smb-rename", t0);
                t0 = System.nanoTime();
                try (File f = share.openFile("load/shared.lock", EnumSet.of(AccessMask.GENERIC_READ,
                        AccessMask.GENERIC_WRITE), null, SMB2ShareAccess.ALL, SMB2CreateDisposition.FILE_OPEN, null)) {
                    f.requestLock().exclusiveLock(id * 100L, 100, true).send(); // each its own range: never refused
                    f.requestLock().unlock(id * 100L, 100).send();
                }
                timed("smb-lock", t0);
                if (n % 4 == 3) {
                    t0 = System.nanoTime();
                    share.rm("load/smb-" + id + "-" + n + ".r");
                    timed("smb-delete", t0);
                }
            }
        } catch (Exception e) {
            errors.add("smb client " + id + ": " + e);
        }
    }
}
