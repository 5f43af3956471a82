package io.bucketfs.nfs.v3;

import io.bucketfs.backends.ObjectStore;
import io.bucketfs.cache.CacheSettings;
import io.bucketfs.cache.write.WriteBackSettings;
import io.bucketfs.nfs.NfsServer;
import io.bucketfs.nfs.NfsSettings;
import io.bucketfs.nfs.export.Export;
import io.bucketfs.nfs.export.ExportRules;
import io.bucketfs.nfs.export.ExportTable;
import io.bucketfs.vfs.MountSettings;
import io.bucketfs.vfs.Vfs;
import io.bucketfs.vfs.core.VfsRuntime;
import io.bucketfs.vfs.journal.JournalSettings;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.TimeUnit;

/**
 * A real NFSv3 + MOUNT v3 server for tests: a {@link VfsRuntime} with one mount over {@code store} exported as
 * {@code /default}, behind an oncrpc4j TCP service on 127.0.0.1 with an ephemeral port, both programs on that one
 * port. (At merge, {@code io.bucketfs.nfs.NfsServer} replaces the service built here.)
 */
public final class Nfs3TestServer implements AutoCloseable {

    public static final String EXPORT = "default";
    public static final Duration TTL = Duration.ofSeconds(1);

    private final VfsRuntime runtime;
    private final ExportTable exports;
    private final NfsServer svc;
    private final int port;

    private Nfs3TestServer(VfsRuntime runtime, ExportTable exports, NfsServer svc) {
        this.runtime = runtime;
        this.exports = exports;
        this.svc = svc;
        this.port = svc.address().getPort();
    }

    public static Nfs3TestServer start(Path dir, ObjectStore store, ExportRules rules) throws Exception {
        return start(dir, store, rules, "");
    }

    /** The export holds the keys under {@code prefix} of the store ("" for all). */
    public static Nfs3TestServer start(Path dir, ObjectStore store, ExportRules rules, String prefix)
            throws Exception {
        MountSettings m = MountSettings.defaults(EXPORT).withTtls(TTL, TTL).withPrefix(prefix);
        VfsRuntime rt = VfsRuntime.open(dir.resolve("state"), dir.resolve("cache"),
                CacheSettings.DEFAULT.withChunkSize(1 << 20).withCapacityBytes(512L << 20),
                WriteBackSettings.DEFAULT.withPartSize(5L << 20), JournalSettings.defaults(),
                List.of(new VfsRuntime.MountSpec(m, store)));
        try {
            ExportTable table = new ExportTable();
            table.add(new Export(1, EXPORT, rt.mount(EXPORT), rules));
            NfsServer svc = NfsServer.start("127.0.0.1", 0, NfsSettings.DEFAULTS, table);
            return new Nfs3TestServer(rt, table, svc);
        } catch (Exception e) {
            rt.close();
            throw e;
        }
    }

    public int port() {
        return port;
    }

    public Vfs vfs() {
        return runtime.mount(EXPORT);
    }

    public ExportTable exports() {
        return exports;
    }

    /** Waits until every acknowledged write and namespace change is in the bucket. */
    public void sync() throws Exception {
        runtime.sync(120, TimeUnit.SECONDS);
    }

    /** The libnfs URL of {@code path} under the export. */
    public String url(String path) {
        return "nfs://127.0.0.1/" + EXPORT + "/" + path + "?version=3&nfsport=" + port + "&mountport=" + port;
    }

    @Override
    public void close() throws Exception {
        try {
            svc.close();
        } finally {
            runtime.close();
        }
    }
}
