package io.bucketfs.gateway.control;

import io.bucketfs.cache.CacheStats;
import io.bucketfs.cache.write.WriteBackStats;
import io.bucketfs.gateway.Gateway;
import io.bucketfs.gateway.GatewayConfig;
import io.bucketfs.gateway.metrics.GatewayMetrics;
import io.bucketfs.gateway.state.MountRecord;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * {@code GET /v1/status}: one row per running mount, from the gateway's meters (counters since the start).
 *
 * <p>The chunk cache is one pool shared by every mount, so {@code cache-used-bytes} and {@code cache-pool-bytes}
 * are the pool's; {@code cache-size-bytes} is what the mount was created with (recorded, not yet enforced).
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
            row.put("cache-used-bytes", cache.usedBytes());
            row.put("cache-pool-bytes", cache.capacityBytes());
            row.put("cache-size-bytes", name.equals(GatewayConfig.DEFAULT_BUCKET) ? cache.capacityBytes()
                    : gateway.state().get().mount(name).map(MountRecord::cacheSize).orElse(cache.capacityBytes()));
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
