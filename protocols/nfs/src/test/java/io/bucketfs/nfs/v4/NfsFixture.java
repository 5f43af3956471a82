package io.bucketfs.nfs.v4;

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
import java.util.Map;

/** A VFS runtime with one mount "default" (export id 1, {@link ExportRules#OPEN}) and, on demand, an NFS server. */
final class NfsFixture implements AutoCloseable {

    final ObjectStore store;
    final VfsRuntime runtime;
    final Vfs vfs;
    final ExportTable exports = new ExportTable();
    NfsServer server;

    NfsFixture(Path dir, ObjectStore store) throws Exception {
        this(dir, store, "");
    }

    /** The mount holds the keys under {@code prefix} of the store ("" for all). */
    NfsFixture(Path dir, ObjectStore store, String prefix) throws Exception {
        this.store = store;
        MountSettings m = MountSettings.defaults("default").withTtls(Duration.ZERO, Duration.ZERO)
                .withPrefix(prefix);
        runtime = VfsRuntime.open(dir.resolve("state"), dir.resolve("cache"),
                CacheSettings.DEFAULT.withChunkSize(1 << 20).withCapacityBytes(256L << 20),
                WriteBackSettings.DEFAULT.withPartSize(5L << 20), JournalSettings.defaults(),
                List.of(new VfsRuntime.MountSpec(m, store)));
        vfs = runtime.mount("default");
        exports.add(new Export(1, "default", vfs, ExportRules.OPEN));
    }

    static NfsSettings settings() {
        return NfsSettings.DEFAULTS.withGrace(Duration.ZERO).withLease(Duration.ofSeconds(10));
    }

    NfsServer start() throws Exception {
        server = NfsServer.start("127.0.0.1", 0, settings(), exports, Map.of());
        return server;
    }

    @Override
    public void close() {
        if (server != null) {
            server.close();
        }
        runtime.close();
        store.close();
    }
}
