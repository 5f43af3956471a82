package io.bucketfs.gateway;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.bucketfs.backends.s3.S3ProxyServer;
import io.bucketfs.gateway.admin.AdminServer;
import io.bucketfs.gateway.cli.BucketfsCommand;
import io.bucketfs.gateway.control.ControlPlane;
import io.bucketfs.gateway.control.Requests;
import io.bucketfs.vfs.Caller;
import io.bucketfs.vfs.CreateMode;
import io.bucketfs.vfs.Entry;
import io.bucketfs.vfs.SetAttr;
import io.bucketfs.vfs.Stability;
import io.bucketfs.vfs.Vfs;
import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/**
 * Long admin calls do not hold up the others: with three {@code bucketfs sync} calls waiting on a mount whose
 * bucket is down (each holding an admin thread), {@code GET /v1/mounts} and a {@code /metrics} scrape still answer,
 * while the syncs are still waiting; once the bucket is back the syncs finish.
 */
@Timeout(value = 180, unit = TimeUnit.SECONDS)
class AdminLongCallsTest {

    private static final int LONG_CALLS = 3;

    @TempDir
    Path dir;

    /** The admin threads now inside a sync. */
    private static long syncing() {
        return Thread.getAllStackTraces().entrySet().stream()
                .filter(e -> e.getKey().getName().startsWith("bucketfs-admin"))
                .filter(e -> Arrays.stream(e.getValue()).anyMatch(f -> f.getClassName().equals(
                        ControlPlane.class.getName()) && f.getMethodName().equals("sync")))
                .count();
    }

    private static CompletableFuture<Integer> cli(String... args) {
        return CompletableFuture.supplyAsync(() -> {
            PrintStream out = new PrintStream(new ByteArrayOutputStream(), true, StandardCharsets.UTF_8);
            return BucketfsCommand.run(args, out, out);
        }, r -> new Thread(r, "cli").start());
    }

    @Test
    void mountsAndMetricsAnswerWhileSyncsWait() throws Exception {
        int port = TestPorts.free();
        Path data = dir.resolve("data");
        S3ProxyServer s3 = S3ProxyServer.start(dir.resolve("s3a"), port);
        List<CompletableFuture<Integer>> syncs = new ArrayList<>();
        try (Gateway g = Gateway.start(new GatewayConfig(data, null))) {
            String bucket = s3.createBucket();
            AdminServer admin = g.startAdmin(0);
            String token = Files.readString(data.resolve(AdminServer.TOKEN_FILE)).trim();
            ControlPlane cp = new ControlPlane(g, Clock.systemUTC());
            cp.createConnection(new Requests.Connection("rw", "s3-compatible", bucket, "us-east-1",
                    s3.endpoint().toString(), true, S3ProxyServer.IDENTITY, S3ProxyServer.SECRET, null, null, null,
                    null, null, true));
            cp.createMount(new Requests.Mount("m", "rw", null, null, "nfs", null, null, null, null, null, null,
                    null));
            Vfs v = g.vfs().mount("m");
            Entry f = v.create(Caller.ROOT, v.root(), "f.txt", CreateMode.GUARDED, SetAttr.NONE, 0);
            v.write(Caller.ROOT, f.handle(), 0, ByteBuffer.wrap("staged\n".getBytes(StandardCharsets.UTF_8)),
                    Stability.UNSTABLE);
            s3.close(); // the bucket is down: every sync of m waits

            for (int i = 0; i < LONG_CALLS; i++) {
                syncs.add(cli("sync", "--data-dir", data.toString(), "--mount", "m", "--timeout", "90",
                        "-o", "json"));
            }
            long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(60);
            while (syncing() < LONG_CALLS && System.nanoTime() < deadline) {
                Thread.sleep(50);
            }
            assertEquals(LONG_CALLS, syncing(), "every sync holds an admin thread");

            HttpClient http = HttpClient.newHttpClient();
            HttpResponse<String> mounts = http.send(HttpRequest.newBuilder(URI.create(admin.url() + "/v1/mounts"))
                    .header("Authorization", "Bearer " + token).timeout(Duration.ofSeconds(45)).build(),
                    HttpResponse.BodyHandlers.ofString());
            assertEquals(200, mounts.statusCode(), mounts.body());
            assertTrue(mounts.body().contains("\"m\""), mounts.body());
            HttpResponse<String> metrics = http.send(HttpRequest.newBuilder(URI.create(admin.url() + "/metrics"))
                    .timeout(Duration.ofSeconds(45)).build(), HttpResponse.BodyHandlers.ofString());
            assertEquals(200, metrics.statusCode());
            assertTrue(metrics.body().contains("bucketfs_"), "a scrape");
            assertTrue(syncs.stream().noneMatch(CompletableFuture::isDone), "answered while the syncs still wait");

            s3 = S3ProxyServer.start(dir.resolve("s3b"), port); // back: the staged write goes up, the syncs end
            s3.createBucket(bucket);
            for (CompletableFuture<Integer> s : syncs) {
                assertEquals(0, s.get(120, TimeUnit.SECONDS), "the sync finished once the bucket was back");
            }
            assertFalse(syncs.isEmpty());
        } finally {
            s3.close();
        }
    }
}
