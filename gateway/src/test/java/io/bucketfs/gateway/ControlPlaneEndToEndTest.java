package io.bucketfs.gateway;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.fail;

import com.fasterxml.jackson.databind.JsonNode;
import io.bucketfs.backends.BackendSettings;
import io.bucketfs.backends.GetOptions;
import io.bucketfs.backends.ObjectContent;
import io.bucketfs.backends.ObjectStore;
import io.bucketfs.backends.ObjectStoreException;
import io.bucketfs.backends.ObjectStores;
import io.bucketfs.backends.Payload;
import io.bucketfs.backends.PutOptions;
import io.bucketfs.backends.s3.S3ProxyServer;
import io.bucketfs.gateway.admin.AdminServer;
import io.bucketfs.gateway.cli.BucketfsCommand;
import io.bucketfs.gateway.state.StateStore;
import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.InputStream;
import java.io.PrintStream;
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
 * The control plane end to end: a gateway process ({@code bucketfs serve}) over S3Proxy, driven by the CLI as users
 * drive it, read and written with libnfs ({@code nfs-cp}, {@code nfs-cat}, NFSv3) and smbclient (a put reaches the
 * bucket; on the read-only mount every change is refused, NFS3ERR_ROFS and STATUS_MEDIA_WRITE_PROTECTED, and the
 * read-only bucket sees only GET and HEAD), with the generated SMB account admitting logons only while no SMB user
 * is configured, restarted, and its
 * whole log (the gateway's and the SMB server's at DEBUG) searched for every secret of the run: the S3 secret key
 * of {@code connections create}/{@code test} (and a wrong one), SMB passwords of {@code users add}/{@code passwd}
 * and of failed logons with their NT hashes, the generated SMB password, the admin token and the vault key.
 */
@Timeout(value = 300, unit = TimeUnit.SECONDS)
class ControlPlaneEndToEndTest {

    // ports of this test, free ones from the range set aside for tests
    private static final int NFS = TestPorts.free();
    private static final int SMB = TestPorts.free();
    private static final int ADMIN = TestPorts.free();
    private static final int S3 = TestPorts.free();
    private static final int RELAY = TestPorts.free();
    private static final String WRONG_SECRET = "definitely-Not-The-Secret-0451";
    private static final String SMB_PASSWORD = "Smb-Pass-word-7781";
    private static final String NEW_SMB_PASSWORD = "Changed-Pass-9034";
    private static final String WRONG_SMB_PASSWORD = "Wrong-Pass-6620";

    @TempDir
    Path dir;

    private Path data;
    private Path log;
    private Process gateway;
    private final StringBuilder transcript = new StringBuilder();

    @AfterEach
    void stopGateway() throws Exception {
        stop();
    }

    @Test
    void connectionsMountsUsersAndRestartThroughTheCli() throws Exception {
        org.junit.jupiter.api.Assumptions.assumeTrue(Files.isExecutable(Path.of("/usr/bin/nfs-cp"))
                && Files.isExecutable(Path.of("/usr/bin/smbclient")) && Files.isExecutable(Path.of("/usr/bin/cc")),
                "libnfs-utils, smbclient and cc (with libnfs-dev) are installed");
        data = dir.resolve("data");
        log = dir.resolve("gateway.log");
        try (S3ProxyServer s3 = S3ProxyServer.start(dir.resolve("s3"), S3)) {
            String roBucket = s3.createBucket();
            String rwBucket = s3.createBucket();
            try (ObjectStore st = ObjectStores.open(s3.spec(roBucket), BackendSettings.DEFAULT)) {
                st.put("hello.txt", Payload.ofBytes("hello from s3\n".getBytes(StandardCharsets.UTF_8)),
                        PutOptions.NONE);
            }
            byte[] warm = new byte[3 * 1024 * 1024 + 77];
            new java.util.Random(11).nextBytes(warm);
            try (ObjectStore st = ObjectStores.open(s3.spec(rwBucket), BackendSettings.DEFAULT)) {
                st.put("warm/a.bin", Payload.ofBytes(warm), PutOptions.NONE); // read by no one before the preload
            }
            start();
            String generated = Files.readString(data.resolve("smb-password")).strip();
            assertEquals(0, smbRc("default", Gateway.DEFAULT_SMB_USER, generated),
                    "the generated account logs on while no SMB user is configured");
            String[] s3Args = {"--provider", "s3-compatible", "--endpoint", s3.endpoint().toString(), "--region",
                "us-east-1", "--access-key", S3ProxyServer.IDENTITY};

            // bad input: one line naming the field, exit 1 (2 for a parse error), nothing changed
            String before = stateText();
            refused("provider", concat(new String[] {"connections", "create", "--name", "x", "--bucket", roBucket,
                "--provider", "nosuch", "--access-key", "a", "--secret-key", "b"}));
            refused("access-key", concat(new String[] {"connections", "create", "--name", "x", "--bucket", roBucket,
                "--secret-key", WRONG_SECRET}, s3Args));
            refused("bucket", concat(new String[] {"connections", "create", "--name", "x", "--bucket",
                "no-such-bucket", "--secret-key", S3ProxyServer.SECRET}, s3Args));
            refused("endpoint", concat(new String[] {"connections", "create", "--name", "x", "--bucket", roBucket,
                "--provider", "minio", "--access-key", "a", "--secret-key", "b"}));
            assertEquals(before, stateText());

            // a read-only connection (through a relay recording every request it makes) and a read-write one
            RecordingRelay relay = new RecordingRelay(RELAY, S3);
            String[] roArgs = s3Args.clone();
            roArgs[3] = "http://127.0.0.1:" + RELAY;
            ok(concat(new String[] {"connections", "create", "--name", "ro", "--bucket", roBucket, "--secret-key",
                S3ProxyServer.SECRET}, roArgs));
            before = stateText();
            refused("name", concat(new String[] {"connections", "create", "--name", "ro", "--bucket", roBucket,
                "--secret-key", S3ProxyServer.SECRET}, s3Args));
            assertEquals(before, stateText());
            withStdin(S3ProxyServer.SECRET + "\n", () -> ok(concat(new String[] {"connections", "create", "--name",
                "rw", "--bucket", rwBucket, "--secret-key", "-", "--read-write"}, s3Args)));
            String show = ok("connections", "show", "rw").out();
            assertTrue(show.contains("read-write") && show.contains("(sealed)"), show);
            assertTrue(ok("connections", "list", "-o", "json").out().contains("\"access\" : \"read-only\""));
            assertTrue(ok("connections", "test", "ro").out().contains("allows: read"));
            refused("read-write", "connections", "test", "ro", "--read-write");
            String test = ok("connections", "test", "rw", "--read-write").out();
            assertTrue(test.contains("allows: read-write") && test.contains("put"), test);

            withStdin(SMB_PASSWORD + "\n", () -> ok("users", "add", "alice", "--password-stdin"));
            withStdin(SMB_PASSWORD + "\n", () -> ok("users", "add", "bob", "--password-stdin"));
            before = stateText();
            withStdin("whatever\n", () -> refused("name", "users", "add", "bucketfs", "--password-stdin"));
            withStdin("whatever\n", () -> refused("name", "users", "add", "alice", "--password-stdin"));
            assertEquals(before, stateText());

            // mounts: the read-only one reads, refuses writes; the read-write one writes through to the bucket
            ok("mount", "create", "--connection", "ro", "--region", "us-east-1", "--cache-size", "1GiB", "--protocol",
                    "both");
            before = stateText();
            refused("smb-users", "mount", "create", "--connection", "rw", "--name", "rwm", "--protocol", "both",
                    "--smb-users", "alice,nosuch");
            refused("smb-users", "mount", "create", "--connection", "rw", "--name", "rwm", "--smb-users", "alice");
            assertEquals(before, stateText());
            // rwm is written over NFS by this test's root: it asks for no root squash (the default squashes root)
            ok("mount", "create", "--connection", "rw", "--name", "rwm", "--protocol", "both", "--cache-size", "2GiB",
                    "--nfs-clients", "127.0.0.0/8", "--smb-users", "alice", "--no-root-squash");
            JsonNode roMount = StateStore.JSON.readTree(ok("mount", "show", "ro", "-o", "json").out());
            assertTrue(roMount.path("root-squash").asBoolean(false), "root squash by default: " + roMount);
            assertEquals("[\"127.0.0.0/8\",\"::1/128\",\"10.0.0.0/8\",\"172.16.0.0/12\",\"192.168.0.0/16\","
                    + "\"fc00::/7\"]", roMount.path("nfs-clients").toString(), "the private networks by default");
            assertFalse(StateStore.JSON.readTree(ok("mount", "show", "rwm", "-o", "json").out()).path("root-squash")
                    .asBoolean(true));
            assertTrue(ok("mount", "show", "rwm").out().contains("alice"), ok("mount", "show", "rwm").out());
            refused("name", "users", "delete", "alice");
            before = stateText();
            refused("cache-size", "mount", "create", "--connection", "rw", "--name", "x2", "--prefix", "other/",
                    "--cache-size", "12XB");
            refused("connection", "mount", "create", "--connection", "nosuch");
            refused("region", "mount", "create", "--connection", "rw", "--name", "x5", "--prefix", "c/", "--region",
                    "eu-west-1");
            refused("bucket", "mount", "create", "--bucket", "nosuch");
            refused("name", "mount", "create", "--connection", "ro");
            refused("prefix", "mount", "create", "--connection", "rw", "--name", "x3", "--prefix", "a/");
            refused("nfs-clients", "mount", "create", "--connection", "rw", "--name", "x4", "--prefix", "b/",
                    "--nfs-clients", "10.0.0.0/99");
            refused("name", "connections", "delete", "rw");
            assertEquals(before, stateText());

            assertEquals("hello from s3\n", nfsCat("ro", "hello.txt"));
            Path local = dir.resolve("local.txt");
            Files.writeString(local, "written over nfs\n");
            readOnlyRefusesEveryChange(local);
            assertEquals(0, nfsCp(local, "rwm", "dir-less.txt"));
            assertEquals("written over nfs\n", nfsCat("rwm", "dir-less.txt"));
            assertEquals("written over nfs\n", awaitObject(s3, rwBucket, "dir-less.txt", "written over nfs\n"));
            assertEquals("written over nfs\n", smbGet("rwm", "dir-less.txt", "alice", SMB_PASSWORD));
            smbWritesReachTheBucket(s3, rwBucket);
            assertNotEquals(0, smbRc("rwm", "bob", SMB_PASSWORD), "bob is not in the share's --smb-users");
            assertEquals(0, smbRc("default", "bob", SMB_PASSWORD), "the default share admits every user");
            withStdin(NEW_SMB_PASSWORD + "\n", () -> ok("users", "passwd", "bob", "--password-stdin"));
            assertNotEquals(0, smbRc("default", "bob", SMB_PASSWORD), "a failed logon: the old password");
            assertNotEquals(0, smbRc("default", Gateway.DEFAULT_SMB_USER, generated),
                    "the generated account admits no logon while SMB users are configured");
            assertEquals(0, smbRc("default", "bob", NEW_SMB_PASSWORD), "the new password");
            assertNotEquals(0, smbRc("rwm", "alice", WRONG_SMB_PASSWORD), "a failed logon: a wrong password");
            try (ObjectStore st = ObjectStores.open(s3.spec(roBucket), BackendSettings.DEFAULT)) {
                assertEquals(ObjectStoreException.Kind.NOT_FOUND, expectNotFound(st, "nope.txt"));
            }

            // managed bucket and SMB user
            ok("buckets", "create", "--name", "datasets");
            before = stateText();
            refused("name", "buckets", "create", "--name", "datasets");
            assertEquals(before, stateText());
            ok("mount", "create", "--bucket", "datasets", "--no-root-squash");
            assertEquals(0, nfsCp(local, "datasets", "d.txt"));

            // restart: everything is still there, and the SMB share of rwm is served now
            String mounts = ok("mount", "list", "-o", "json").out();
            stop();
            start();
            assertEquals(mounts, ok("mount", "list", "-o", "json").out());
            assertTrue(ok("mount", "show", "rwm").out().contains("smb-share:        rwm"));
            assertEquals("written over nfs\n", nfsCat("rwm", "dir-less.txt"));
            assertEquals("written over nfs\n", nfsCat("datasets", "d.txt"));
            assertEquals("written over nfs\n", smbGet("rwm", "dir-less.txt", "alice", SMB_PASSWORD));

            // metrics: the NFS and SMB traffic since the restart moved the meters, scraped without a token
            String m = scrape();
            assertTrue(MetricsText.sum(m, "bucketfs_protocol_ops_seconds_count", "protocol=\"nfs3\"",
                    "op=\"READ\"") > 0, m);
            assertTrue(MetricsText.sum(m, "bucketfs_protocol_ops_seconds_count", "protocol=\"smb2\"",
                    "op=\"READ\"") > 0, m);
            assertTrue(MetricsText.sum(m, "bucketfs_protocol_ops_seconds_bucket", "protocol=\"smb2\"",
                    "op=\"CREATE\"") > 0, "a latency histogram: " + m);
            assertTrue(MetricsText.sum(m, "bucketfs_backend_requests_total", "mount=\"rwm\"") > 0, m);
            assertTrue(m.contains("bucketfs_journal_appends_total{mount=\"datasets\"}"), m);
            assertTrue(m.contains("bucketfs_writeback_upload_queue{mount=\"rwm\"}"), m);

            // status, then preload: a file no one has read is fetched once, then read from the cache only
            String table = ok("status").out();
            assertTrue(table.startsWith("MOUNT") && table.contains("HIT-RATIO") && table.contains("rwm"), table);
            long missesBefore = statusOf("rwm").path("cache-misses").asLong();
            refused("paths", "preload", "--mount", "rwm", "nosuch");
            refused("mount", "preload", "--mount", "nosuch", "/");
            String pre = ok("preload", "--mount", "rwm", "warm").out();
            assertTrue(pre.contains("preload ") && pre.contains("% ") && pre.contains("preloaded 1 file, 3.0 MiB in "),
                    "plain progress lines (no terminal here), then the total: " + pre);
            assertFalse(pre.contains("\r"), pre);
            JsonNode warmed = statusOf("rwm");
            assertTrue(warmed.path("cache-misses").asLong() > missesBefore, warmed.toString());
            assertEquals(0, nfsCatRc("rwm", "warm/a.bin"));
            JsonNode read = statusOf("rwm");
            assertEquals(warmed.path("cache-misses").asLong(), read.path("cache-misses").asLong(),
                    "the read after the preload missed nothing: " + read);
            assertTrue(read.path("cache-hits").asLong() > warmed.path("cache-hits").asLong(), read.toString());
            assertTrue(read.path("backend-bytes-saved").asLong() >= warm.length, read.toString());
            assertEquals(MetricsText.value(scrape(), "bucketfs_cache_hits_total{mount=\"rwm\"}"),
                    (double) read.path("cache-hits").asLong());

            // deletes: a mount goes (after its data is flushed), then what it used can go
            assertEquals(0, nfsCp(local, "datasets", "synced.txt"));
            assertTrue(ok("sync", "--mount", "datasets", "--timeout", "60").out().contains("synced:"));
            try (ObjectStore st = io.bucketfs.backends.local.LocalDirectoryStore.create(
                    data.resolve("buckets").resolve("datasets"));
                 ObjectContent c = st.get("synced.txt", GetOptions.NONE)) {
                assertEquals("written over nfs\n", new String(c.readAllBytes(), StandardCharsets.UTF_8),
                        "sync returned with the write in the bucket");
            }
            refused("mount", "sync", "--mount", "nosuch");
            assertEquals(0, nfsCp(local, "datasets", "late.txt"));
            ok("mount", "delete", "datasets");
            assertNotEquals(0, nfsCatRc("datasets", "late.txt"));
            try (ObjectStore st = io.bucketfs.backends.local.LocalDirectoryStore.create(
                    data.resolve("buckets").resolve("datasets"));
                 ObjectContent c = st.get("late.txt", GetOptions.NONE)) {
                assertEquals("written over nfs\n", new String(c.readAllBytes(), StandardCharsets.UTF_8),
                        "the delete flushed the mount's last write to its bucket first");
            }
            assertFalse(Files.exists(data.resolve("state/journal/datasets")), "its journal went with it");
            refused("name", "buckets", "delete", "datasets"); // holds the files written through the mount
            ok("mount", "delete", "ro");
            ok("connections", "delete", "ro");
            List<String> roRequests = relay.requests();
            relay.close();
            assertTrue(roRequests.stream().anyMatch(r -> r.startsWith("GET ") && r.contains("/hello.txt")),
                    "the relay saw the mount's reads: " + roRequests + "\n" + relay.raw());
            for (String r : roRequests) { // the gateway never asked the read-only bucket to change
                assertTrue(r.startsWith("GET ") || r.startsWith("HEAD "), "a read-only connection got: " + r);
            }
            refused("name", "mount", "delete", "ro");
            refused("name", "mount", "delete", "default");
            ok("mount", "delete", "rwm");
            assertNotEquals(0, smbRc("rwm", "alice", SMB_PASSWORD), "the share went with its mount");
            ok("users", "delete", "alice"); // no mount lists her any more
            ok("users", "delete", "bob");
            assertEquals(0, smbRc("default", Gateway.DEFAULT_SMB_USER, generated),
                    "the generated account is back (same password) once no SMB user is configured");
            assertNotEquals(0, nfsCatRc("rwm", "dir-less.txt"));
            assertEquals("written over nfs\n", awaitObject(s3, rwBucket, "dir-less.txt", "written over nfs\n"),
                    "objects stay");
            stop();

            // no secret anywhere: not in the gateway's log, not in what the CLI printed, not in the state file
            String gatewayLog = Files.readString(log, StandardCharsets.UTF_8);
            String all = gatewayLog + transcript + stateText();
            assertTrue(gatewayLog.contains("admin POST /v1/connections")
                    && gatewayLog.contains("admin PUT /v1/users/bob") && gatewayLog.contains("SMB logon failure from"),
                    "the log is the gateway's, of this run");
            List<String> secrets = new ArrayList<>(List.of(S3ProxyServer.SECRET, WRONG_SECRET,
                    Files.readString(data.resolve("admin-token")).strip(),
                    Files.readString(data.resolve("smb-password")).strip()));
            String vaultKey = Files.readString(data.resolve(io.bucketfs.gateway.vault.Vault.KEY_FILE)).strip();
            secrets.add(vaultKey);
            secrets.add(java.util.HexFormat.of().formatHex(java.util.Base64.getDecoder().decode(vaultKey)));
            for (String pw : List.of(SMB_PASSWORD, NEW_SMB_PASSWORD, WRONG_SMB_PASSWORD)) {
                byte[] nt = io.bucketfs.smb.ntlm.NtlmCrypto.ntHash(pw.toCharArray());
                secrets.addAll(List.of(pw, java.util.HexFormat.of().formatHex(nt),
                        java.util.HexFormat.of().withUpperCase().formatHex(nt),
                        java.util.Base64.getEncoder().encodeToString(nt)));
            }
            for (String secret : secrets) {
                assertFalse(all.contains(secret), "a secret leaked: " + secret);
            }
        }
    }

    /**
     * The read-only mount {@code ro} (on a read-only connection, served over NFS and SMB) refuses every change: over
     * SMB (smbclient put, rename, del, mkdir) with NT_STATUS_MEDIA_WRITE_PROTECTED, over NFSv3 (libnfs: nfs-cp, and
     * nfs-meta's mkdir, remove, rename) with NFS3ERR_ROFS, which libnfs names; it still reads over both.
     */
    private void readOnlyRefusesEveryChange(Path local) throws Exception {
        Run cp = run("nfs-cp", local.toString(), url("ro", "nope.txt"));
        assertNotEquals(0, cp.rc(), "a read-only mount refuses writes");
        assertTrue(cp.out().contains("NFS3ERR_ROFS"), "nfs-cp names the read-only file system: " + cp.out());
        String meta = nfsMeta().toString();
        String export = "nfs://127.0.0.1/ro?version=3&nfsport=" + NFS + "&mountport=" + NFS;
        for (List<String> op : List.of(List.of("mkdir", "/newdir"), List.of("remove", "/hello.txt"),
                List.of("rename", "/hello.txt", "/moved.txt"))) {
            List<String> cmd = new ArrayList<>(List.of(meta, export));
            cmd.addAll(op);
            Run r = run(cmd.toArray(new String[0]));
            assertNotEquals(0, r.rc(), op + ": " + r.out());
            assertTrue(r.out().contains("NFS3ERR_ROFS"), op + " over NFS: " + r.out());
        }
        assertEquals("hello from s3\n", smbGet("ro", "hello.txt", "alice", SMB_PASSWORD));
        for (String c : List.of("put " + local + " nope.txt", "rename hello.txt moved.txt", "del hello.txt",
                "mkdir newdir")) {
            Run r = smbclient("ro", "alice", SMB_PASSWORD, c);
            assertTrue(r.out().contains("NT_STATUS_MEDIA_WRITE_PROTECTED"), c + " over SMB: " + r.out());
        }
        assertEquals("hello from s3\n", nfsCat("ro", "hello.txt"), "still there, unchanged");
        assertNotEquals(0, nfsCatRc("ro", "moved.txt"));
    }

    /** smbclient put on {@code rwm}: after a sync the object in S3 holds the same bytes, which NFS reads back. */
    private void smbWritesReachTheBucket(S3ProxyServer s3, String bucket) throws Exception {
        byte[] content = new byte[(1 << 20) + 4321];
        new java.util.Random(5).nextBytes(content);
        Path file = dir.resolve("smb-put.bin");
        Files.write(file, content);
        String sum = sha256(content);
        Run put = smbclient("rwm", "alice", SMB_PASSWORD, "mkdir smb; put " + file + " smb/put.bin");
        assertEquals(0, put.rc(), put.out());
        assertFalse(put.out().contains("NT_STATUS_"), put.out());
        assertTrue(ok("sync", "--mount", "rwm", "--timeout", "60").out().contains("synced:"));
        try (ObjectStore st = ObjectStores.open(s3.spec(bucket), BackendSettings.DEFAULT);
             ObjectContent c = st.get("smb/put.bin", GetOptions.NONE)) {
            assertEquals(sum, sha256(c.readAllBytes()), "the object holds what smbclient wrote");
        }
        Process p = new ProcessBuilder("nfs-cat", url("rwm", "smb/put.bin")).start();
        byte[] back = p.getInputStream().readAllBytes();
        assertTrue(p.waitFor(30, TimeUnit.SECONDS));
        assertEquals(0, p.exitValue());
        assertEquals(sum, sha256(back), "NFS reads what SMB wrote");
    }

    private static String sha256(byte[] b) throws Exception {
        return java.util.HexFormat.of().formatHex(java.security.MessageDigest.getInstance("SHA-256").digest(b));
    }

    /** {@code tests/bench/nfs-meta.c} (libnfs's synchronous API) built here: mkdir, remove, rename over NFS. */
    private Path nfsMeta() throws Exception {
        Path src = Path.of("").toAbsolutePath();
        while (!Files.exists(src.resolve("tests/bench/nfs-meta.c"))) {
            src = src.getParent();
            assertTrue(src != null, "tests/bench/nfs-meta.c above " + Path.of("").toAbsolutePath());
        }
        Path bin = dir.resolve("nfs-meta");
        Run cc = run("cc", "-O2", "-o", bin.toString(), src.resolve("tests/bench/nfs-meta.c").toString(), "-lnfs");
        assertEquals(0, cc.rc(), "cc nfs-meta.c (Debian libnfs-dev): " + cc.out());
        return bin;
    }

    private JsonNode statusOf(String mount) throws Exception {
        for (JsonNode n : StateStore.JSON.readTree(ok("status", "--output", "json").out())) {
            if (n.path("mount").asText().equals(mount)) {
                return n;
            }
        }
        throw new AssertionError("no mount " + mount + " in status");
    }

    /** {@code GET /metrics} with no token. */
    private static String scrape() throws Exception {
        java.net.http.HttpResponse<String> r = java.net.http.HttpClient.newHttpClient().send(
                java.net.http.HttpRequest.newBuilder(java.net.URI.create("http://127.0.0.1:" + ADMIN + "/metrics"))
                        .build(), java.net.http.HttpResponse.BodyHandlers.ofString());
        assertEquals(200, r.statusCode(), r.body());
        return r.body();
    }

    private String stateText() throws java.io.IOException {
        Path f = data.resolve(StateStore.FILE);
        return Files.exists(f) ? Files.readString(f, StandardCharsets.UTF_8) : "";
    }

    // ---- the gateway process ----

    private void start() throws Exception {
        List<String> cmd = List.of(Path.of(System.getProperty("java.home"), "bin", "java").toString(), "-Xmx512m",
                "-Djdk.httpclient.allowRestrictedHeaders=content-length",
                "-Dorg.slf4j.simpleLogger.log.io.bucketfs.gateway=debug",
                "-Dorg.slf4j.simpleLogger.log.io.bucketfs.smb=debug", "-cp", System.getProperty("java.class.path"),
                Main.class.getName(), "serve", "--data-dir", data.toString(), "--bind", "127.0.0.1",
                "--nfs-port", String.valueOf(NFS), "--smb-port", String.valueOf(SMB), "--admin-port",
                String.valueOf(ADMIN), "--nfs-grace", "0", "--cache-size", "4GiB");
        gateway = new ProcessBuilder(cmd).redirectErrorStream(true)
                .redirectOutput(ProcessBuilder.Redirect.appendTo(log.toFile())).start();
        Process started = gateway;
        Runtime.getRuntime().addShutdownHook(new Thread(started::destroyForcibly)); // never outlive a killed run
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(90);
        while (!(Files.exists(data.resolve(AdminServer.ENDPOINT_FILE))
                && Files.readString(log).lastIndexOf("bucketfs gateway running") > Files.readString(log)
                        .lastIndexOf("stopping"))) {
            if (!gateway.isAlive()) {
                fail("the gateway exited with " + gateway.exitValue() + ":\n" + Files.readString(log));
            }
            if (System.nanoTime() > deadline) {
                fail("the gateway did not start:\n" + Files.readString(log));
            }
            Thread.sleep(100);
        }
    }

    private void stop() throws Exception {
        if (gateway == null) {
            return;
        }
        gateway.destroy(); // SIGTERM: the shutdown hook stops it cleanly
        if (!gateway.waitFor(60, TimeUnit.SECONDS)) {
            gateway.destroyForcibly().waitFor(10, TimeUnit.SECONDS);
            fail("the gateway did not stop on SIGTERM");
        }
        gateway = null;
    }

    // ---- the CLI ----

    record Run(int rc, String out, String err) {
    }

    private Run cli(String... args) {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        ByteArrayOutputStream err = new ByteArrayOutputStream();
        String[] full = concat(args, new String[] {"--data-dir", data.toString()});
        int rc = BucketfsCommand.run(full, new PrintStream(out, true, StandardCharsets.UTF_8),
                new PrintStream(err, true, StandardCharsets.UTF_8));
        Run r = new Run(rc, out.toString(StandardCharsets.UTF_8), err.toString(StandardCharsets.UTF_8));
        transcript.append(r.out()).append(r.err());
        return r;
    }

    private Run ok(String... args) {
        Run r = cli(args);
        assertEquals(0, r.rc(), String.join(" ", args) + " -> " + r.err() + r.out());
        return r;
    }

    /** Exit code 1 and one line on stderr naming {@code field} first. */
    private void refused(String field, String... args) {
        Run r = cli(args);
        assertEquals(1, r.rc(), String.join(" ", args) + " -> " + r.out() + r.err());
        String line = r.err().strip();
        assertFalse(line.contains("\n"), "one line: " + line);
        assertTrue(line.startsWith("bucketfs: " + field + ": "), "names " + field + ": " + line);
    }

    private void withStdin(String text, Runnable r) {
        InputStream old = System.in;
        System.setIn(new ByteArrayInputStream(text.getBytes(StandardCharsets.UTF_8)));
        try {
            r.run();
        } finally {
            System.setIn(old);
        }
    }

    private static String[] concat(String[] a, String... b) {
        List<String> l = new ArrayList<>(List.of(a));
        l.addAll(List.of(b));
        return l.toArray(new String[0]);
    }

    // ---- clients ----

    private static String url(String export, String path) {
        return "nfs://127.0.0.1/" + export + "/" + path + "?version=3&nfsport=" + NFS + "&mountport=" + NFS;
    }

    private String nfsCat(String export, String path) throws Exception {
        Process p = new ProcessBuilder("nfs-cat", url(export, path)).redirectErrorStream(true).start();
        String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        assertTrue(p.waitFor(30, TimeUnit.SECONDS));
        assertEquals(0, p.exitValue(), "nfs-cat " + export + "/" + path + ": " + out);
        return out;
    }

    private int nfsCatRc(String export, String path) throws Exception {
        Process p = new ProcessBuilder("nfs-cat", url(export, path)).redirectErrorStream(true)
                .redirectOutput(ProcessBuilder.Redirect.DISCARD).start();
        assertTrue(p.waitFor(30, TimeUnit.SECONDS));
        return p.exitValue();
    }

    private int nfsCp(Path local, String export, String path) throws Exception {
        Process p = new ProcessBuilder("nfs-cp", local.toString(), url(export, path)).redirectErrorStream(true)
                .redirectOutput(ProcessBuilder.Redirect.DISCARD).start();
        assertTrue(p.waitFor(30, TimeUnit.SECONDS));
        return p.exitValue();
    }

    private String smbGet(String share, String path, String user, String password) throws Exception {
        Path to = dir.resolve("smb-" + path);
        Process p = new ProcessBuilder("smbclient", "//127.0.0.1/" + share, "-p", String.valueOf(SMB), "-U",
                user + "%" + password, "-m", "SMB3", "-c", "get " + path + " " + to).redirectErrorStream(true)
                .start();
        String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        assertTrue(p.waitFor(30, TimeUnit.SECONDS));
        assertEquals(0, p.exitValue(), "smbclient: " + out);
        return Files.readString(to, StandardCharsets.UTF_8);
    }

    /** smbclient running {@code commands} on {@code share}: its exit code and output. */
    private Run smbclient(String share, String user, String password, String commands) throws Exception {
        return run("smbclient", "//127.0.0.1/" + share, "-p", String.valueOf(SMB), "-U", user + "%" + password, "-m",
                "SMB3", "-c", commands);
    }

    /** A client program: its exit code and output (stdout and stderr). */
    private static Run run(String... command) throws Exception {
        Process p = new ProcessBuilder(command).redirectErrorStream(true).start();
        String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        assertTrue(p.waitFor(60, TimeUnit.SECONDS), String.join(" ", command));
        return new Run(p.exitValue(), out, "");
    }

    private int smbRc(String share, String user, String password) throws Exception {
        Process p = new ProcessBuilder("smbclient", "//127.0.0.1/" + share, "-p", String.valueOf(SMB), "-U",
                user + "%" + password, "-m", "SMB3", "-c", "ls").redirectErrorStream(true)
                .redirectOutput(ProcessBuilder.Redirect.DISCARD).start();
        assertTrue(p.waitFor(30, TimeUnit.SECONDS));
        return p.exitValue();
    }

    /**
     * The object's content once the gateway has uploaded {@code expected} (writes are acknowledged before the
     * upload, and the file's creation may be uploaded, empty, before its data), or what is there at the deadline.
     */
    private static String awaitObject(S3ProxyServer s3, String bucket, String key, String expected)
            throws Exception {
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(30);
        try (ObjectStore st = ObjectStores.open(s3.spec(bucket), BackendSettings.DEFAULT)) {
            while (true) {
                String now = null;
                try (ObjectContent c = st.get(key, GetOptions.NONE)) {
                    now = new String(c.readAllBytes(), StandardCharsets.UTF_8);
                } catch (ObjectStoreException e) {
                    if (e.kind() != ObjectStoreException.Kind.NOT_FOUND || System.nanoTime() > deadline) {
                        throw e;
                    }
                }
                if (now != null && (now.equals(expected) || System.nanoTime() > deadline)) {
                    return now;
                }
                Thread.sleep(200);
            }
        }
    }

    private static ObjectStoreException.Kind expectNotFound(ObjectStore st, String key) {
        try {
            st.head(key);
            return null;
        } catch (ObjectStoreException e) {
            return e.kind();
        }
    }
}
