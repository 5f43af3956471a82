package io.bucketfs.gateway.metrics;

import io.bucketfs.backends.ObjectStoreException;
import io.bucketfs.cache.CacheListener;
import io.bucketfs.cache.ObjectVersion;
import io.bucketfs.cache.write.WriteBackStats;
import io.bucketfs.vfs.OpListener;
import io.bucketfs.vfs.core.VfsRuntime;
import io.bucketfs.vfs.journal.JournalStats;
import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.FunctionCounter;
import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.Meter;
import io.micrometer.core.instrument.Tags;
import io.micrometer.core.instrument.Timer;
import io.micrometer.prometheusmetrics.PrometheusConfig;
import io.micrometer.prometheusmetrics.PrometheusMeterRegistry;
import java.time.Duration;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;
import java.util.function.ToLongFunction;

/**
 * The gateway's meters, in one Prometheus registry scraped at {@code /metrics} on the admin port. The frontends,
 * the cache and the stores report through their hooks ({@link OpListener}, {@link CacheListener},
 * {@link MeteredObjectStore.BackendMeters}), so only the gateway depends on Micrometer; the rest is read from the
 * runtime's own counters at scrape time.
 *
 * <pre>
 *   bucketfs_protocol_ops_seconds{protocol,op,outcome}   histogram per NFSv4 op, NFSv3 proc, SMB2 command
 *   bucketfs_cache_hits_total{mount} / _misses_total{mount}   chunk lookups of reads
 *   bucketfs_cache_fetched_bytes_total{mount,kind=demand|readahead}   bytes the cache fetched from the backend
 *   bucketfs_cache_served_bytes_total{mount}   bytes copied to readers
 *   bucketfs_cache_saved_bytes_total{mount}   served minus fetched: the backend bytes the cache saved
 *   bucketfs_cache_evictions_total, _evicted_bytes_total, bucketfs_cache_used_bytes, _capacity_bytes
 *   bucketfs_backend_requests_total{mount,op}, bucketfs_backend_errors_total{mount,op,kind},
 *   bucketfs_backend_bytes_total{mount,direction=in|out}
 *   bucketfs_journal_appends_total{mount}, _fsyncs_total{mount}, _fsync_seconds_total{mount},
 *   bucketfs_journal_fsync_latency_seconds{mount}   histogram of the group-commit fsyncs
 *   bucketfs_writeback_dirty_bytes{mount}, bucketfs_writeback_upload_queue{mount}, bucketfs_writeback_staging_bytes
 * </pre>
 */
public final class GatewayMetrics implements OpListener, CacheListener {

    private final PrometheusMeterRegistry registry = new PrometheusMeterRegistry(PrometheusConfig.DEFAULT);
    private final Map<String, Timer> timers = new ConcurrentHashMap<>();
    private final Map<String, Mount> mounts = new ConcurrentHashMap<>();
    private final Counter evictions;
    private final Counter evictedBytes;
    private volatile VfsRuntime runtime;

    public GatewayMetrics() {
        this.evictions = Counter.builder("bucketfs.cache.evictions").description("chunks evicted to make room")
                .register(registry);
        this.evictedBytes = Counter.builder("bucketfs.cache.evicted").baseUnit("bytes").register(registry);
    }

    public PrometheusMeterRegistry registry() {
        return registry;
    }

    /** The Prometheus text exposition of every meter. */
    public String scrape() {
        return registry.scrape();
    }

    /** The meters of one mount (made at first use). */
    public Mount mount(String name) {
        return mounts.computeIfAbsent(name, Mount::new);
    }

    /** Registers the gauges read from the runtime (cache, write-back, and the journal of each mount known). */
    public void bind(VfsRuntime rt) {
        this.runtime = rt;
        Gauge.builder("bucketfs.cache.used", rt, r -> r.cache().stats().usedBytes()).baseUnit("bytes")
                .register(registry);
        Gauge.builder("bucketfs.cache.capacity", rt, r -> r.cache().stats().capacityBytes()).baseUnit("bytes")
                .register(registry);
        Gauge.builder("bucketfs.writeback.staging", rt, r -> r.writeBack() == null ? 0
                : r.writeBack().stats().stagingBytes()).baseUnit("bytes").register(registry);
        FunctionCounter.builder("bucketfs.writeback.uploaded", rt, r -> r.writeBack() == null ? 0
                : r.writeBack().stats().bytesUploaded()).baseUnit("bytes").register(registry);
        for (String m : rt.mounts().keySet()) {
            mount(m);
        }
        rt.journalFsyncObserver((m, nanos) -> mount(m).fsyncs.record(nanos, TimeUnit.NANOSECONDS));
    }

    /** Forgets the meters of a deleted mount. */
    public void removeMount(String name) {
        mounts.remove(name);
        for (Meter m : registry.getMeters()) {
            if (name.equals(m.getId().getTag("mount"))) {
                registry.remove(m);
            }
        }
    }

    /** The most distinct (protocol, op, outcome) timers; past it, ops count as {@code OTHER}. */
    static final int MAX_OP_TIMERS = 1024;

    @Override
    public void onOp(String protocol, String op, long nanos, boolean failed) {
        String key = protocol + '/' + op + '/' + failed;
        Timer t = timers.get(key);
        if (t == null) {
            // an unknown code a client sent (or too many distinct ones): one series for all, not one each
            String name = named(op) && timers.size() < MAX_OP_TIMERS ? op : "OTHER";
            t = timers.computeIfAbsent(protocol + '/' + name + '/' + failed, k -> Timer
                    .builder("bucketfs.protocol.ops").description("protocol operations by name and outcome")
                    .tags("protocol", protocol, "op", name, "outcome", failed ? "error" : "ok")
                    .publishPercentileHistogram()
                    .minimumExpectedValue(Duration.ofNanos(10_000))
                    .maximumExpectedValue(Duration.ofSeconds(60))
                    .register(registry));
        }
        t.record(nanos, TimeUnit.NANOSECONDS);
    }

    /** Whether {@code op} is an operation's name rather than the frontends' form of an unknown code. */
    private static boolean named(String op) {
        return op.indexOf('(') < 0 && !(op.length() > 2 && op.startsWith("op") && Character.isDigit(op.charAt(2)));
    }

    @Override
    public void onHit(ObjectVersion version, int chunkIndex) {
        mount(version.storeId()).hits.increment();
    }

    @Override
    public void onServed(ObjectVersion version, long bytes) {
        mount(version.storeId()).served.increment(bytes);
    }

    @Override
    public void onMiss(ObjectVersion version, int chunkIndex) {
        mount(version.storeId()).misses.increment();
    }

    @Override
    public void onFetch(ObjectVersion version, int chunkIndex, long bytes, long nanos, boolean readAhead) {
        Mount m = mount(version.storeId());
        (readAhead ? m.fetchedReadAhead : m.fetchedDemand).increment(bytes);
    }

    @Override
    public void onEviction(int count, long bytes) {
        evictions.increment(count);
        evictedBytes.increment(bytes);
    }

    /** The meters of one mount; also what {@code bucketfs status} reports. */
    public final class Mount implements MeteredObjectStore.BackendMeters {
        private final String name;
        private final Tags tags;
        final Counter hits;
        final Counter misses;
        final Counter served;
        final Counter fetchedDemand;
        final Counter fetchedReadAhead;
        final Timer fsyncs;
        private final Counter bytesIn;
        private final Counter bytesOut;
        private final Map<String, Counter> requests = new ConcurrentHashMap<>();
        private final Map<String, Counter> errors = new ConcurrentHashMap<>();

        Mount(String name) {
            this.name = name;
            this.tags = Tags.of("mount", name);
            hits = Counter.builder("bucketfs.cache.hits").tags(tags).register(registry);
            misses = Counter.builder("bucketfs.cache.misses").tags(tags).register(registry);
            served = Counter.builder("bucketfs.cache.served").baseUnit("bytes").tags(tags)
                    .description("bytes copied to readers").register(registry);
            FunctionCounter.builder("bucketfs.cache.saved", this, Mount::savedBytes).baseUnit("bytes").tags(tags)
                    .description("bytes read that did not come from the backend (served minus fetched)")
                    .register(registry);
            fetchedDemand = Counter.builder("bucketfs.cache.fetched").baseUnit("bytes").tags(tags)
                    .tag("kind", "demand").register(registry);
            fetchedReadAhead = Counter.builder("bucketfs.cache.fetched").baseUnit("bytes").tags(tags)
                    .tag("kind", "readahead").register(registry);
            bytesIn = Counter.builder("bucketfs.backend").baseUnit("bytes").tags(tags).tag("direction", "in")
                    .register(registry);
            bytesOut = Counter.builder("bucketfs.backend").baseUnit("bytes").tags(tags).tag("direction", "out")
                    .register(registry);
            fsyncs = Timer.builder("bucketfs.journal.fsync.latency").tags(tags)
                    .description("journal group-commit fsyncs").publishPercentileHistogram()
                    .minimumExpectedValue(Duration.ofNanos(10_000)).maximumExpectedValue(Duration.ofSeconds(10))
                    .register(registry);
            journal("bucketfs.journal.appends", null, JournalStats::appendedRecords);
            journal("bucketfs.journal.fsyncs", null, JournalStats::fsyncs);
            FunctionCounter.builder("bucketfs.journal.fsync", GatewayMetrics.this,
                    g -> journalValue(JournalStats::fsyncNanos) / 1e9).baseUnit("seconds").tags(tags)
                    .description("time in journal fsyncs (divide by bucketfs_journal_fsyncs_total: mean latency)")
                    .register(registry);
            Gauge.builder("bucketfs.writeback.dirty", GatewayMetrics.this, g -> writeBack().dirtyBytes())
                    .baseUnit("bytes").tags(tags).register(registry);
            Gauge.builder("bucketfs.writeback.upload.queue", GatewayMetrics.this, g -> writeBack().uploadQueue())
                    .description("files committed and not yet in the bucket").tags(tags).register(registry);
        }

        private void journal(String meter, String unit, ToLongFunction<JournalStats> f) {
            FunctionCounter.builder(meter, GatewayMetrics.this, g -> journalValue(f)).baseUnit(unit).tags(tags)
                    .register(registry);
        }

        private double journalValue(ToLongFunction<JournalStats> f) {
            VfsRuntime rt = runtime;
            JournalStats s = rt == null ? null : rt.journalStats(name);
            return s == null ? Double.NaN : f.applyAsLong(s);
        }

        /** The write-back counters of this mount's files (zeros before the runtime is bound). */
        public WriteBackStats writeBack() {
            VfsRuntime rt = runtime;
            return rt == null || rt.writeBack() == null ? new WriteBackStats(0, 0, 0, 0, 0, 0)
                    : rt.writeBack().stats(name);
        }

        @Override
        public void request(String op) {
            Counter c = requests.get(op);
            if (c == null) {
                c = requests.computeIfAbsent(op, o -> Counter.builder("bucketfs.backend.requests").tags(tags)
                        .tag("op", o).register(registry));
            }
            c.increment();
        }

        @Override
        public void error(String op, ObjectStoreException.Kind kind) {
            errors.computeIfAbsent(op + '/' + kind, k -> Counter.builder("bucketfs.backend.errors").tags(tags)
                    .tag("op", op).tag("kind", kind.name().toLowerCase(java.util.Locale.ROOT)).register(registry))
                    .increment();
        }

        @Override
        public void bytesIn(long n) {
            bytesIn.increment(n);
        }

        @Override
        public void bytesOut(long n) {
            bytesOut.increment(n);
        }

        public long hits() {
            return (long) hits.count();
        }

        public long misses() {
            return (long) misses.count();
        }

        /**
         * The backend bytes the cache saved: bytes served to readers minus the bytes fetched for them (demand and
         * read-ahead), never below 0. Without the cache every byte read would have been fetched.
         */
        public long savedBytes() {
            return Math.max(0, (long) (served.count() - fetchedDemand.count() - fetchedReadAhead.count()));
        }

        public long servedBytes() {
            return (long) served.count();
        }

        public long backendRequests() {
            return (long) requests.values().stream().mapToDouble(Counter::count).sum();
        }

        /**
         * Failed requests, not counting the answers that are expected outcomes (not found, precondition failed, not
         * modified).
         */
        public long backendErrors() {
            return (long) errors.entrySet().stream().filter(e -> !e.getKey().endsWith("/NOT_FOUND")
                    && !e.getKey().endsWith("/PRECONDITION_FAILED") && !e.getKey().endsWith("/NOT_MODIFIED"))
                    .mapToDouble(e -> e.getValue().count()).sum();
        }

        public long backendBytesIn() {
            return (long) bytesIn.count();
        }

        public long backendBytesOut() {
            return (long) bytesOut.count();
        }
    }
}
