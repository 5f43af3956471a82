package io.bucketfs.gateway;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import io.bucketfs.backends.Payload;
import io.bucketfs.backends.PutOptions;
import io.bucketfs.gateway.admin.AdminServer;
import io.bucketfs.gateway.state.StateStore;
import io.bucketfs.vfs.Caller;
import io.bucketfs.vfs.Entry;
import io.bucketfs.vfs.Vfs;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Random;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/** {@code /metrics}, {@code /v1/status} and {@code /v1/preload} of an in-process gateway, over the default mount. */
@Timeout(value = 60, unit = TimeUnit.SECONDS)
class MetricsAndPreloadTest {

    @TempDir
    Path dir;

    private final HttpClient http = HttpClient.newHttpClient();

    private HttpResponse<String> call(AdminServer a, String token, String method, String path, String body)
            throws Exception {
        HttpRequest.Builder b = HttpRequest.newBuilder(URI.create(a.url() + path)).method(method,
                body == null ? HttpRequest.BodyPublishers.noBody() : HttpRequest.BodyPublishers.ofString(body));
        if (token != null) {
            b.header("Authorization", "Bearer " + token);
        }
        return http.send(b.build(), HttpResponse.BodyHandlers.ofString());
    }

    private JsonNode status(AdminServer a, String token, String mount) throws Exception {
        HttpResponse<String> r = call(a, token, "GET", "/v1/status", null);
        assertEquals(200, r.statusCode(), r.body());
        for (JsonNode m : StateStore.JSON.readTree(r.body())) {
            if (m.path("mount").asText().equals(mount)) {
                return m;
            }
        }
        throw new AssertionError("no mount " + mount + " in " + r.body());
    }

    @Test
    void preloadMakesLaterReadsHitsAndMetersSayIt() throws Exception {
        GatewayConfig cfg = new GatewayConfig(dir.resolve("data"), null);
        byte[] big = new byte[5 * 1024 * 1024 + 123];
        new Random(7).nextBytes(big);
        try (Gateway g = Gateway.start(cfg)) {
            g.defaultBucket().put("warm/big.bin", Payload.ofBytes(big), PutOptions.NONE);
            g.defaultBucket().put("warm/sub/small.txt", Payload.ofBytes("small\n".getBytes(StandardCharsets.UTF_8)),
                    PutOptions.NONE);
            AdminServer a = g.startAdmin(0);
            String token = Files.readString(cfg.dataDir().resolve(AdminServer.TOKEN_FILE)).trim();

            // refusals name the field and start nothing
            HttpResponse<String> r = call(a, token, "POST", "/v1/preload",
                    "{\"mount\": \"default\", \"paths\": [\"nosuch\"]}");
            assertEquals(404, r.statusCode(), r.body());
            assertEquals("paths", StateStore.JSON.readTree(r.body()).path("error").path("field").asText());
            r = call(a, token, "POST", "/v1/preload", "{\"mount\": \"nosuch\"}");
            assertEquals("mount", StateStore.JSON.readTree(r.body()).path("error").path("field").asText());
            assertEquals(401, call(a, null, "POST", "/v1/preload", "{\"mount\": \"default\"}").statusCode());

            r = call(a, token, "POST", "/v1/preload", "{\"mount\": \"default\", \"paths\": [\"/warm\"]}");
            assertEquals(202, r.statusCode(), r.body());
            String id = StateStore.JSON.readTree(r.body()).path("id").asText();
            JsonNode job;
            do {
                Thread.sleep(50);
                job = StateStore.JSON.readTree(call(a, token, "GET", "/v1/preload/" + id, null).body());
            } while (!job.path("state").asText().equals("done") && !job.path("state").asText().equals("failed"));
            assertEquals("done", job.path("state").asText(), job.toString());
            assertEquals(2, job.path("files-done").asLong());
            assertEquals(big.length + 6, job.path("bytes-done").asLong());
            assertEquals(job.path("bytes").asLong(), job.path("bytes-done").asLong());

            JsonNode before = status(a, token, "default");
            assertTrue(before.path("cache-misses").asLong() > 0, before.toString());
            assertTrue(before.path("backend-requests").asLong() > 0, before.toString());
            assertTrue(before.path("backend-bytes-in").asLong() >= big.length, before.toString());

            // a read after the preload: hits only, no backend byte more
            Vfs v = g.vfs().mount(GatewayConfig.DEFAULT_BUCKET);
            Entry warm = v.lookup(Caller.ROOT, v.root(), "warm");
            Entry f = v.lookup(Caller.ROOT, warm.handle(), "big.bin");
            ByteBuffer buf = ByteBuffer.allocate(big.length);
            while (buf.hasRemaining()) {
                if (v.read(Caller.ROOT, f.handle(), buf.position(), buf).count() == 0) {
                    break;
                }
            }
            assertEquals(ByteBuffer.wrap(big), buf.flip());
            JsonNode after = status(a, token, "default");
            assertEquals(before.path("cache-misses").asLong(), after.path("cache-misses").asLong(), after.toString());
            assertTrue(after.path("cache-hits").asLong() > before.path("cache-hits").asLong(), after.toString());
            assertEquals(before.path("backend-bytes-in").asLong(), after.path("backend-bytes-in").asLong());
            assertTrue(after.path("backend-bytes-saved").asLong() >= big.length, after.toString());
            assertTrue(after.path("hit-ratio").asDouble() > 0, after.toString());

            // /metrics: no token needed, Prometheus text, the same counters
            g.metrics().onOp("nfs4", "READ", 1_000_000, false);
            v.mkdir(Caller.ROOT, v.root(), "journaled", io.bucketfs.vfs.SetAttr.NONE); // a journal group commit
            r = call(a, null, "GET", "/metrics", null);
            assertEquals(200, r.statusCode());
            assertTrue(r.headers().firstValue("Content-Type").orElse("").startsWith("text/plain"));
            String text = r.body();
            for (String meter : new String[] {"bucketfs_cache_hits_total{mount=\"default\"}",
                "bucketfs_cache_misses_total{mount=\"default\"}", "bucketfs_backend_requests_total{mount=\"default\",op=\"get\"}",
                "bucketfs_backend_bytes_total{direction=\"in\",mount=\"default\"}",
                "bucketfs_journal_appends_total{mount=\"default\"}",
                "bucketfs_journal_fsync_latency_seconds_bucket{mount=\"default\",le=", "bucketfs_journal_fsync_seconds_total{mount=\"default\"}",
                "bucketfs_writeback_dirty_bytes{mount=\"default\"}", "bucketfs_writeback_upload_queue{mount=\"default\"}",
                "bucketfs_cache_used_bytes", "bucketfs_cache_evictions_total",
                "bucketfs_protocol_ops_seconds_bucket{op=\"READ\",outcome=\"ok\",protocol=\"nfs4\""}) {
                assertTrue(text.contains(meter), meter + " in:\n" + text);
            }
            assertEquals((double) after.path("cache-hits").asLong(),
                    MetricsText.value(text, "bucketfs_cache_hits_total{mount=\"default\"}"));
            assertTrue(MetricsText.value(text, "bucketfs_journal_fsync_latency_seconds_count{mount=\"default\"}") > 0,
                    text);
            assertEquals(405, call(a, null, "POST", "/metrics", "").statusCode());
        }
    }
}
