package io.bucketfs.smb.server;

import io.bucketfs.backends.ObjectStore;
import io.bucketfs.cache.CacheSettings;
import io.bucketfs.cache.write.WriteBackSettings;
import io.bucketfs.smb.ntlm.InMemorySmbUsers;
import io.bucketfs.vfs.Caller;
import io.bucketfs.vfs.MountSettings;
import io.bucketfs.vfs.Vfs;
import io.bucketfs.vfs.core.VfsRuntime;
import io.bucketfs.vfs.journal.JournalSettings;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;

/** A VFS runtime with one mount "default" served by an SMB server on 127.0.0.1 for user bucketfs. */
final class SmbFixture implements AutoCloseable {
    static final String USER = "bucketfs";
    static final String PASSWORD = "s3cret-Passw0rd";

    final ObjectStore store;
    final VfsRuntime runtime;
    final Vfs vfs;
    final SmbServer server;

    SmbFixture(Path dir, ObjectStore store, SmbSettings settings) throws Exception {
        this(dir, store, settings, null);
    }

    /** Also serves the mount as {@code encryptedShare}, a share requiring encryption, when not null. */
    SmbFixture(Path dir, ObjectStore store, SmbSettings settings, String encryptedShare) throws Exception {
        this(dir, store, settings, encryptedShare, "", false, MountSettings.defaults("default").durability());
    }

    /** ... with the mount's durability policy {@code durability}. */
    SmbFixture(Path dir, ObjectStore store, SmbSettings settings, String encryptedShare,
               MountSettings.Durability durability) throws Exception {
        this(dir, store, settings, encryptedShare, "", false, durability);
    }

    /** The mount holds the keys under {@code prefix} of the store ("" for all). */
    SmbFixture(Path dir, ObjectStore store, SmbSettings settings, String encryptedShare, String prefix)
            throws Exception {
        this(dir, store, settings, encryptedShare, prefix, false, MountSettings.defaults("default").durability());
    }

    /** With {@code readOnly}, the mount refuses every change (nothing is ever written to the store). */
    SmbFixture(Path dir, ObjectStore store, SmbSettings settings, String encryptedShare, boolean readOnly)
            throws Exception {
        this(dir, store, settings, encryptedShare, "", readOnly, MountSettings.defaults("default").durability());
    }

    private SmbFixture(Path dir, ObjectStore store, SmbSettings settings, String encryptedShare, String prefix,
                       boolean readOnly, MountSettings.Durability durability) throws Exception {
        this.store = store;
        MountSettings m = MountSettings.defaults("default").withTtls(Duration.ZERO, Duration.ZERO)
                .withPrefix(prefix).withReadOnly(readOnly).withDurability(durability);
        runtime = VfsRuntime.open(dir.resolve("state"), dir.resolve("cache"),
                CacheSettings.DEFAULT.withChunkSize(1 << 20).withCapacityBytes(256L << 20),
                WriteBackSettings.DEFAULT.withPartSize(5L << 20), JournalSettings.defaults(),
                List.of(new VfsRuntime.MountSpec(m, store)));
        vfs = runtime.mount("default");
        InMemorySmbUsers users = new InMemorySmbUsers().add(USER, PASSWORD.toCharArray(), new Caller(0, 0, null));
        List<Share> shares = encryptedShare == null ? List.of(new Share("default", vfs))
                : List.of(new Share("default", vfs), new Share(encryptedShare, vfs, true));
        server = SmbServer.start("127.0.0.1", 0, settings, shares, users);
    }

    /** The default settings' server over a local-directory store in {@code dir}/bucket. */
    static SmbFixture onLocalStore(Path dir) throws Exception {
        return new SmbFixture(dir, io.bucketfs.backends.local.LocalDirectoryStore.create(
                java.nio.file.Files.createDirectories(dir.resolve("bucket"))), SmbSettings.DEFAULTS);
    }

    int port() {
        return server.port();
    }

    @Override
    public void close() {
        server.close();
        runtime.close();
        store.close();
    }
}
