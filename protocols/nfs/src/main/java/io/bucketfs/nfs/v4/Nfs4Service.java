package io.bucketfs.nfs.v4;

import io.bucketfs.nfs.NfsSettings;
import io.bucketfs.nfs.export.ExportTable;
import io.bucketfs.nfs.v4.state.StateManager;
import io.bucketfs.vfs.Attr;
import io.bucketfs.vfs.FileType;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.util.function.LongSupplier;

/**
 * What every COMPOUND of the NFSv4 server shares: the settings, the export table under the pseudo root, and the
 * client/session/stateid state.
 */
public final class Nfs4Service {

    /** The file id of the pseudo root (RFC 8881 7.3). */
    public static final long PSEUDO_ROOT_FILEID = 1;
    /** Export roots appear in the pseudo root with this plus their export id as mounted_on_fileid. */
    public static final long PSEUDO_MOUNT_FILEID_BASE = 1L << 48;

    private final NfsSettings settings;
    /** Per-operation metrics; set by the embedding gateway. */
    private volatile io.bucketfs.vfs.OpListener opListener = io.bucketfs.vfs.OpListener.NONE;
    private final ExportTable exports;
    private final StateManager state;
    private final Instant started = Instant.now();
    private final byte[] serverOwner = "bucketfs".getBytes(StandardCharsets.UTF_8);

    public Nfs4Service(NfsSettings settings, ExportTable exports, LongSupplier nanoClock) {
        this.settings = settings;
        this.exports = exports;
        this.state = new StateManager(settings.lease(), settings.grace(), nanoClock);
    }

    public NfsSettings settings() {
        return settings;
    }

    public ExportTable exports() {
        return exports;
    }

    public StateManager state() {
        return state;
    }

    /** The server owner major id of EXCHANGE_ID (RFC 8881 2.5): the same for every connection to this server. */
    public byte[] serverOwner() {
        return serverOwner.clone();
    }

    /** The synthetic attributes of the pseudo root: a read-only directory owned by root. */
    public Attr pseudoRootAttr() {
        long change = started.toEpochMilli() + exports.all().size();
        return new Attr(PSEUDO_ROOT_FILEID, FileType.DIRECTORY, 0755, 2, 0, 0, 0, 0, started, started, started,
                started, change, 0);
    }

    /** The hook told of every COMPOUND operation. */
    public io.bucketfs.vfs.OpListener opListener() {
        return opListener;
    }

    public void opListener(io.bucketfs.vfs.OpListener listener) {
        this.opListener = java.util.Objects.requireNonNull(listener, "listener");
    }
}
