package io.bucketfs.gateway.control;

import io.bucketfs.cache.CacheStats;
import io.bucketfs.cache.write.WriteBackStats;
import io.bucketfs.gateway.Gateway;
import io.bucketfs.gateway.metrics.GatewayMetrics;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * {@code GET /v1/status}: one row per running mount, from the gateway's meters (counters since the start).
 *
 * <p>The chunk cache is one pool ({@code cache-pool-bytes}, {@code serve --cache-size}) shared by every mount;
 * {@code cache-used-bytes} is the mount's part of it and {@code cache-size-bytes} the most it may take (its
 * {@code --cache-size}, at most the pool, enforced: at it, the mount's misses evict its own chunks; the default mount
 * has the pool).
 * {@code backend-bytes-saved} is the bytes served to readers minus the bytes fetched for them; {@code backend-errors}
 * leaves out the answers that are expected outcomes (not found, precondition failed, not modified).
 */
final class Status {

    private Status() {
    }

    static List<Map<String, Object>> of(Gateway gateway) {
        GatewayMetrics metrics = gateway.metrics();
        CacheStats cache = gateway.vfs().cache().stats();
        List<Map<String, Object>> rows = new ArrayList<>();
        for (String name : gateway.vfs().mounts().keySet()) {
            GatewayMetrics.Mount m = metrics.mount(name);
            WriteBackStats wb = m.writeBack();
            long lookups = m.hits() + m.misses();
            Map<String, Object> row = new LinkedHashMap<>();
            row.put("mount", name);
            long[] usage = gateway.vfs().cache().usage(name);
            row.put("cache-used-bytes", usage[0]);
            row.put("cache-pool-bytes", cache.capacityBytes());
            row.put("cache-pool-used-bytes", cache.usedBytes());
            row.put("cache-size-bytes", Math.min(usage[1], cache.capacityBytes()));
            row.put("cache-hits", m.hits());
            row.put("cache-misses", m.misses());
            row.put("hit-ratio", lookups == 0 ? 0.0 : Math.round(1000.0 * m.hits() / lookups) / 1000.0);
            row.put("dirty-bytes", wb.dirtyBytes());
            row.put("upload-queue", wb.uploadQueue());
            row.put("backend-requests", m.backendRequests());
            row.put("backend-errors", m.backendErrors());
            row.put("backend-bytes-in", m.backendBytesIn());
            row.put("backend-bytes-out", m.backendBytesOut());
            row.put("backend-bytes-saved", m.savedBytes());
            rows.add(row);
        }
        return rows;
    }
}
