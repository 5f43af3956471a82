package io.bucketfs.gateway.metrics;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.bucketfs.backends.GetOptions;
import io.bucketfs.backends.ObjectContent;
import io.bucketfs.backends.ObjectStoreException;
import io.bucketfs.backends.Payload;
import io.bucketfs.backends.PutOptions;
import io.bucketfs.backends.local.LocalDirectoryStore;
import java.nio.file.Path;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

@Timeout(value = 30, unit = TimeUnit.SECONDS)
class MeteredObjectStoreTest {

    @TempDir
    Path dir;

    @Test
    void countsRequestsErrorsByKindAndBodyBytes() throws Exception {
        GatewayMetrics metrics = new GatewayMetrics();
        GatewayMetrics.Mount m = metrics.mount("m1");
        try (MeteredObjectStore s = new MeteredObjectStore(LocalDirectoryStore.create(dir), m)) {
            s.put("a", Payload.ofBytes(new byte[1000]), PutOptions.NONE);
            try (ObjectContent c = s.get("a", GetOptions.range(10, 500))) {
                assertEquals(500, c.readAllBytes().length);
            }
            assertEquals(ObjectStoreException.Kind.NOT_FOUND,
                    assertThrows(ObjectStoreException.class, () -> s.head("nope")).kind());
        }
        assertEquals(3, m.backendRequests());
        assertEquals(0, m.backendErrors(), "not found is an answer, not a failure (the meter still has it by kind)");
        assertEquals(1000, m.backendBytesOut());
        assertEquals(500, m.backendBytesIn());
        String text = metrics.scrape();
        assertTrue(text.contains("bucketfs_backend_errors_total{kind=\"not_found\",mount=\"m1\",op=\"head\"} 1.0"),
                text);
        assertTrue(text.contains("bucketfs_backend_requests_total{mount=\"m1\",op=\"put\"} 1.0"), text);

        metrics.removeMount("m1");
        assertTrue(!metrics.scrape().contains("mount=\"m1\""), "a deleted mount's meters go with it");
    }

    @Test
    void savedBytesAreServedMinusFetched() {
        GatewayMetrics metrics = new GatewayMetrics();
        io.bucketfs.cache.ObjectVersion v = new io.bucketfs.cache.ObjectVersion("m", "k", "e", 2500);
        metrics.onMiss(v, 0);
        metrics.onFetch(v, 0, 1000, 1, false);
        metrics.onFetch(v, 1, 1000, 1, true);
        metrics.onServed(v, 500);
        assertEquals(0, metrics.mount("m").savedBytes(), "never below 0");
        metrics.onHit(v, 0);
        metrics.onHit(v, 1);
        metrics.onServed(v, 2000);
        metrics.onEviction(3, 3000);
        assertEquals(2, metrics.mount("m").hits());
        assertEquals(1, metrics.mount("m").misses());
        assertEquals(500, metrics.mount("m").savedBytes());
        assertTrue(metrics.scrape().contains("bucketfs_cache_saved_bytes_total{mount=\"m\"} 500.0"), metrics.scrape());
        assertTrue(metrics.scrape().contains("bucketfs_cache_evictions_total 3.0"), metrics.scrape());
    }

    @Test
    void unknownOperationCodesShareOneSeries() {
        GatewayMetrics metrics = new GatewayMetrics();
        metrics.onOp("smb2", "UNKNOWN(77)", 1000, true);
        metrics.onOp("smb2", "UNKNOWN(78)", 1000, true);
        metrics.onOp("nfs4", "op999", 1000, true);
        metrics.onOp("smb2", "READ", 1000, false);
        String text = metrics.scrape();
        assertTrue(text.contains("bucketfs_protocol_ops_seconds_count{op=\"OTHER\",outcome=\"error\",protocol=\"smb2\"} 2"),
                text);
        assertTrue(text.contains("bucketfs_protocol_ops_seconds_count{op=\"OTHER\",outcome=\"error\",protocol=\"nfs4\"} 1"),
                text);
        assertTrue(text.contains("op=\"READ\"") && !text.contains("UNKNOWN") && !text.contains("op999"), text);
    }
}
