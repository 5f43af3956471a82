package io.bucketfs.tests.faults;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.ArrayList;
import java.util.Collections;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;

/**
 * The clients' work in the fault suites and what it may leave behind. Workers alternate NFS and SMB; each reads
 * objects nobody has read yet (so the gateway must fetch them through the faults), writes files of its own under
 * {@code w/}, reads them back, and (SMB) renames and deletes them. Every outcome is judged at once: an operation
 * must end within {@link BackendFaultsTest#OP_BOUND} and succeed with the right bytes or fail with the protocol's
 * I/O error; anything else is a violation. {@link Files} keeps what each file may be afterwards.
 */
final class Workload {

    private static final Set<String> IO_ERRORS = Set.of("NFS3ERR_IO", "NT_STATUS_UNEXPECTED_IO_ERROR");
    private static final Set<String> FULL_ERRORS = Set.of("NFS3ERR_NOSPC", "NFS3ERR_IO", "NT_STATUS_DISK_FULL",
            "NT_STATUS_UNEXPECTED_IO_ERROR");

    private final Clients clients;
    private final Path scratch;
    private final Map<String, String> placed;
    private final ConcurrentLinkedQueue<String> unread;
    private final Files files = new Files();

    Workload(Clients clients, Path scratch, Map<String, String> placed) throws IOException {
        this.clients = clients;
        this.scratch = java.nio.file.Files.createDirectories(scratch);
        this.placed = placed;
        List<String> keys = new ArrayList<>(placed.keySet());
        Collections.shuffle(keys, new Random(11));
        this.unread = new ConcurrentLinkedQueue<>(keys);
    }

    /** What the clients were told about the files under {@code w/}. */
    Files files() {
        return files;
    }

    /** Outcomes: counts and the violations, each with the operation and what happened. */
    record Report(int succeeded, int failed, long p50Millis, long maxMillis, List<String> violations) {
        @Override
        public String toString() {
            return succeeded + " operations succeeded, " + failed + " failed with an I/O error, p50 " + p50Millis
                    + " ms, max " + maxMillis + " ms, " + violations.size() + " violations";
        }
    }

    private final class Tally {
        final AtomicInteger ok = new AtomicInteger();
        final AtomicInteger failed = new AtomicInteger();
        final List<Long> millis = Collections.synchronizedList(new ArrayList<>());
        final List<String> violations = Collections.synchronizedList(new ArrayList<>());

        /** Judges one operation; true when it succeeded. */
        boolean judge(String op, Clients.Outcome o, Set<String> allowed) {
            millis.add(o.millis());
            if (o.millis() > BackendFaultsTest.OP_BOUND.toMillis()) {
                violations.add(op + ": took " + o.millis() + " ms: " + o);
            }
            if (o.ok()) {
                ok.incrementAndGet();
                return true;
            }
            failed.incrementAndGet();
            if (!allowed.contains(o.status())) {
                violations.add(op + ": " + o);
            }
            return false;
        }

        Report report() {
            List<Long> m = new ArrayList<>(millis);
            Collections.sort(m);
            return new Report(ok.get(), failed.get(), m.isEmpty() ? 0 : m.get(m.size() / 2),
                    m.isEmpty() ? 0 : m.get(m.size() - 1), List.copyOf(violations));
        }
    }

    /** {@code workers} clients (even: NFS, odd: SMB) for {@code duration}. */
    Report run(int workers, java.time.Duration duration) throws Exception {
        Tally t = new Tally();
        long end = System.nanoTime() + duration.toNanos();
        ExecutorService pool = Executors.newFixedThreadPool(workers);
        try {
            List<Future<?>> fs = new ArrayList<>();
            for (int i = 0; i < workers; i++) {
                int id = i;
                fs.add(pool.submit(() -> {
                    worker(id, t, end);
                    return null;
                }));
            }
            for (Future<?> f : fs) {
                f.get();
            }
        } finally {
            pool.shutdownNow();
        }
        return t.report();
    }

    private void worker(int id, Tally t, long end) throws Exception {
        boolean nfs = id % 2 == 0;
        Random r = new Random(id * 31L + 5);
        List<String> mine = new ArrayList<>();
        for (int n = 0; System.nanoTime() < end; n++) {
            int pick = r.nextInt(10);
            if (pick < 4) {
                String key = unread.poll();
                key = key != null ? key : new ArrayList<>(placed.keySet()).get(r.nextInt(placed.size()));
                Clients.Outcome o = read(nfs, key);
                if (t.judge("read " + key, o, IO_ERRORS) && !sha256(o.stdout()).equals(placed.get(key))) {
                    t.violations.add((nfs ? "nfs" : "smb") + " read " + key + ": wrong bytes (" + o.stdout().length
                            + " bytes)");
                }
            } else if (pick < 7 || mine.isEmpty()) {
                String name = "w/" + (nfs ? "nfs" : "smb") + id + "-" + n;
                byte[] b = content(r.nextLong(), 1 + r.nextInt(768 * 1024));
                files.expectWrite(name);
                if (t.judge("write " + name, write(nfs, name, b), IO_ERRORS)) {
                    files.written(name, sha256(b));
                    mine.add(name);
                }
            } else if (pick < 8 || nfs) {
                String name = mine.get(r.nextInt(mine.size()));
                Clients.Outcome o = read(nfs, name);
                if (t.judge("re-read " + name, o, IO_ERRORS) && !files.holds(name, sha256(o.stdout()))) {
                    t.violations.add("re-read " + name + ": wrong bytes (" + o.stdout().length + " bytes)");
                }
            } else if (pick < 9) {
                String from = mine.remove(r.nextInt(mine.size()));
                String to = from + ".r";
                boolean done = t.judge("rename " + from, clients.smb("rename " + from + " " + to), IO_ERRORS);
                files.renamed(from, to, done);
                if (done) {
                    mine.add(to);
                }
            } else {
                String name = mine.remove(r.nextInt(mine.size()));
                files.deleted(name, t.judge("delete " + name, clients.smb("del " + name), IO_ERRORS));
            }
        }
    }

    /**
     * {@code count} small files {@code prefix + i} made in one SMB session, which then lists their directory (the
     * gateway knows them and its listing); their names.
     */
    List<String> createSmall(String prefix, int count) throws Exception {
        Path local = scratch.resolve("small");
        java.nio.file.Files.writeString(local, "before");
        StringBuilder c = new StringBuilder();
        List<String> out = new ArrayList<>();
        for (int i = 0; i < count; i++) {
            out.add(prefix + i);
            c.append("put ").append(local).append(' ').append(prefix).append(i).append("; ");
            files.written(prefix + i, sha256("before".getBytes(java.nio.charset.StandardCharsets.UTF_8)));
        }
        String dir = prefix.substring(0, prefix.lastIndexOf('/') + 1);
        Clients.Outcome o = clients.smb(c.append("ls ").append(dir).append('*').toString());
        if (!o.ok()) {
            throw new IllegalStateException("making " + count + " files before the outage: " + o);
        }
        return out;
    }

    /** One file of {@code size} bytes written to {@code name} through NFS; failures allowed: {@code allowed}. */
    Report write(String name, int size, Set<String> allowed) throws Exception {
        Tally t = new Tally();
        byte[] b = content(name.hashCode(), size);
        files.expectWrite(name);
        if (t.judge("write " + name, write(true, name, b), allowed)) {
            files.written(name, sha256(b));
        }
        return t.report();
    }

    /**
     * Overwrites {@code names} with {@code size} bytes each through SMB while the store is out (smbclient names the
     * status; libnfs 4.0 reports any failed WRITE as EFAULT, whatever the server said): the first are queued (acknowledged), then the staging bound refuses them — DISK_FULL, or an
     * I/O error — in time.
     */
    Report overwrite(List<String> names, int size) throws Exception {
        Tally t = new Tally();
        for (String name : names) {
            byte[] b = content(name.hashCode() * 7L, size);
            files.expectWrite(name);
            if (t.judge("outage overwrite " + name, write(false, name, b), FULL_ERRORS)) {
                files.written(name, sha256(b));
            }
        }
        return t.report();
    }

    private Clients.Outcome read(boolean nfs, String key) throws Exception {
        if (nfs) {
            return clients.nfsRead(key);
        }
        Path local = scratch.resolve("get-" + Thread.currentThread().getId());
        java.nio.file.Files.deleteIfExists(local);
        Clients.Outcome o = clients.smb("get " + key + " " + local);
        byte[] got = o.ok() && java.nio.file.Files.exists(local) ? java.nio.file.Files.readAllBytes(local) : new byte[0];
        return new Clients.Outcome(o.ok(), got, o.text(), o.status(), o.millis());
    }

    private Clients.Outcome write(boolean nfs, String name, byte[] b) throws Exception {
        Path local = scratch.resolve("put-" + Thread.currentThread().getId());
        java.nio.file.Files.write(local, b);
        return nfs ? clients.nfsWrite(local, name) : clients.smb("put " + local + " " + name);
    }

    /** {@code length} bytes from a seed: every object and file different, reproducible. */
    static byte[] content(long seed, int length) {
        byte[] b = new byte[length];
        new Random(seed).nextBytes(b);
        return b;
    }

    static String sha256(byte[] b) {
        try {
            return HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256").digest(b));
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException(e);
        }
    }

    /**
     * What each name under {@code w/} may hold: one known content, or — after an operation that failed midway —
     * possibly nothing, or (a failed write) any bytes at all. A name never mentioned must not exist.
     */
    static final class Files {
        private record May(Set<String> contents, boolean absent, boolean anything) {
        }

        private final Map<String, May> names = new ConcurrentHashMap<>();

        void expectWrite(String name) {
            names.put(name, new May(Set.of(), true, true)); // until acknowledged: may be absent or partial
        }

        void written(String name, String sha) {
            names.put(name, new May(Set.of(sha), false, false));
        }

        boolean holds(String name, String sha) {
            May m = names.get(name);
            return m != null && (m.anything() || m.contents().contains(sha));
        }

        void renamed(String from, String to, boolean done) {
            May m = names.remove(from);
            if (done) {
                names.put(to, m);
            } else { // it may have happened or not
                names.put(from, new May(m.contents(), true, m.anything()));
                names.put(to, new May(m.contents(), true, m.anything()));
            }
        }

        void deleted(String name, boolean done) {
            May m = names.remove(name);
            if (!done) {
                names.put(name, new May(m.contents(), true, m.anything()));
            }
        }

        /** What differs between {@code found} (name → SHA-256) and what the names may hold. */
        List<String> check(Map<String, String> found) {
            List<String> wrong = new ArrayList<>();
            names.forEach((name, m) -> {
                String sha = found.get(name);
                if (sha == null && !m.absent()) {
                    wrong.add(name + ": acknowledged but missing");
                } else if (sha != null && !m.anything() && !m.contents().contains(sha)) {
                    wrong.add(name + ": holds other bytes than acknowledged");
                }
            });
            found.keySet().stream().filter(n -> !names.containsKey(n))
                    .forEach(n -> wrong.add(n + ": exists, but no client made it or it was deleted"));
            AtomicLong certain = new AtomicLong(names.values().stream().filter(m -> !m.absent()).count());
            if (certain.get() == 0) {
                wrong.add("no acknowledged file to check at all");
            }
            return wrong;
        }
    }
}
