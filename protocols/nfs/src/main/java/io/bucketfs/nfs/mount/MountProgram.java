package io.bucketfs.nfs.mount;

import io.bucketfs.nfs.NfsFileHandles;
import io.bucketfs.nfs.export.Cidr;
import io.bucketfs.nfs.export.Export;
import io.bucketfs.nfs.export.ExportRules;
import io.bucketfs.nfs.export.ExportTable;
import io.bucketfs.vfs.Attr;
import io.bucketfs.vfs.Caller;
import io.bucketfs.vfs.Entry;
import io.bucketfs.vfs.FileHandle;
import io.bucketfs.vfs.FileType;
import io.bucketfs.vfs.VfsException;
import io.bucketfs.vfs.VfsStatus;
import java.io.IOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import org.dcache.oncrpc4j.rpc.RpcAuthTypeUnix;
import org.dcache.oncrpc4j.rpc.RpcCall;
import org.dcache.oncrpc4j.rpc.RpcDispatchable;
import org.dcache.oncrpc4j.xdr.XdrAble;
import org.dcache.oncrpc4j.xdr.XdrVoid;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The MOUNT version 3 program, RFC 1813 Appendix I (program {@value #PROGRAM}, version {@value #VERSION}): NULL,
 * MNT ({@code /<export>} or {@code /<export>/sub/dir} → that directory's NFSv3 handle, flavor AUTH_SYS), DUMP,
 * UMNT, UMNTALL and EXPORT. A client the export's rules do not admit gets MNT3ERR_ACCES. The mount list is advisory
 * (as the RFC says) and bounded to {@value #MAX_MOUNT_LIST} entries. Thread-safe.
 */
public final class MountProgram implements RpcDispatchable {

    public static final int PROGRAM = 100005;
    public static final int VERSION = 3;
    /** MNTNAMLEN: the longest host or group name. */
    public static final int MNTNAMLEN = 255;
    /** AUTH_SYS (AUTH_UNIX), the one flavor offered. */
    public static final int AUTH_SYS = 1;
    /** DUMP's list stops growing at this many entries. */
    public static final int MAX_MOUNT_LIST = 4096;

    static final int MNTPROC_NULL = 0;
    static final int MNTPROC_MNT = 1;
    static final int MNTPROC_DUMP = 2;
    static final int MNTPROC_UMNT = 3;
    static final int MNTPROC_UMNTALL = 4;
    static final int MNTPROC_EXPORT = 5;

    private static final Logger LOG = LoggerFactory.getLogger(MountProgram.class);

    private final ExportTable exports;
    private final Set<MountList.Body> mounted = ConcurrentHashMap.newKeySet();

    public MountProgram(ExportTable exports) {
        this.exports = Objects.requireNonNull(exports, "exports");
    }

    @Override
    public void dispatchOncRpcCall(RpcCall call) throws IOException {
        int p = call.getProcedure();
        switch (p) {
            case MNTPROC_NULL -> voidCall(call, "NULL");
            case MNTPROC_MNT -> {
                DirPath a = new DirPath();
                if (decode(call, a, "MNT")) {
                    call.reply(mnt(call, a.path));
                }
            }
            case MNTPROC_DUMP -> {
                if (voidArgs(call, "DUMP")) {
                    call.reply(new MountList(new ArrayList<>(mounted)));
                }
            }
            case MNTPROC_UMNT -> {
                DirPath a = new DirPath();
                if (decode(call, a, "UMNT")) {
                    mounted.remove(new MountList.Body(host(call), String.valueOf(a.path)));
                    call.reply(XdrVoid.XDR_VOID);
                }
            }
            case MNTPROC_UMNTALL -> {
                if (voidArgs(call, "UMNTALL")) {
                    String host = host(call);
                    mounted.removeIf(b -> b.host().equals(host));
                    call.reply(XdrVoid.XDR_VOID);
                }
            }
            case MNTPROC_EXPORT -> {
                if (voidArgs(call, "EXPORT")) {
                    call.reply(exportList());
                }
            }
            default -> {
                LOG.warn("MOUNT procedure {} from {}: unavailable", p, host(call));
                call.failProcedureUnavailable();
            }
        }
    }

    private XdrAble mnt(RpcCall call, String path) {
        String host = host(call);
        try {
            MountRes r = resolve(call, path);
            if (r.status == MountStatus.MNT3_OK && mounted.size() < MAX_MOUNT_LIST) {
                mounted.add(new MountList.Body(host, path));
            }
            LOG.debug("MOUNT MNT {} from {}: status {}", path, host, r.status);
            return r;
        } catch (VfsException e) {
            if (e.isClientError()) {
                LOG.debug("MOUNT MNT {} from {}: {}", path, host, e.toString());
            } else {
                LOG.error("MOUNT MNT {} from {} failed", path, host, e);
            }
            return new MountRes(status(e.status()), null, null);
        } catch (RuntimeException e) {
            LOG.error("MOUNT MNT {} from {}: server fault", path, host, e);
            return new MountRes(MountStatus.MNT3ERR_SERVERFAULT, null, null);
        }
    }

    private MountRes resolve(RpcCall call, String path) throws VfsException {
        if (path == null) {
            return new MountRes(MountStatus.MNT3ERR_INVAL, null, null);
        }
        List<String> parts = new ArrayList<>();
        for (String s : path.split("/")) {
            if (s.equals(".") || s.equals("..")) {
                return new MountRes(MountStatus.MNT3ERR_INVAL, null, null); // before any lookup: no probing
            }
            if (!s.isEmpty()) {
                parts.add(s);
            }
        }
        Optional<Export> ex = parts.isEmpty() ? Optional.empty() : exports.byName(parts.get(0));
        if (ex.isEmpty()) {
            return new MountRes(MountStatus.MNT3ERR_NOENT, null, null);
        }
        ExportRules rules = ex.get().rules();
        InetAddress client = address(call);
        if (client == null || !rules.admits(client)) {
            LOG.info("MOUNT MNT {} from {}: refused by the export's client rules", path, client);
            return new MountRes(MountStatus.MNT3ERR_ACCES, null, null);
        }
        Caller caller = call.getCredential() instanceof RpcAuthTypeUnix u
                ? rules.map(new Caller(u.uid(), u.gid(), u.gids())) : rules.anonymous();
        FileHandle dir = ex.get().vfs().root();
        for (String name : parts.subList(1, parts.size())) {
            Entry e = ex.get().vfs().lookup(caller, dir, name);
            if (e.attr().type() != FileType.DIRECTORY) {
                return new MountRes(MountStatus.MNT3ERR_NOTDIR, null, null);
            }
            dir = e.handle();
        }
        Attr a = ex.get().vfs().getattr(caller, dir);
        if (a.type() != FileType.DIRECTORY) {
            return new MountRes(MountStatus.MNT3ERR_NOTDIR, null, null);
        }
        return new MountRes(MountStatus.MNT3_OK, NfsFileHandles.encode(ex.get().id(), dir), new int[] {AUTH_SYS});
    }

    /** mountstat3 of a VFS failure during MNT's lookups. */
    static int status(VfsStatus s) {
        return switch (s) {
            case NOT_FOUND, STALE -> MountStatus.MNT3ERR_NOENT;
            case NOT_DIRECTORY, SYMLINK -> MountStatus.MNT3ERR_NOTDIR;
            case ACCESS_DENIED -> MountStatus.MNT3ERR_ACCES;
            case NOT_OWNER -> MountStatus.MNT3ERR_PERM;
            case NAME_TOO_LONG -> MountStatus.MNT3ERR_NAMETOOLONG;
            case IO_ERROR, DELAY -> MountStatus.MNT3ERR_IO;
            case SERVER_FAULT -> MountStatus.MNT3ERR_SERVERFAULT;
            default -> MountStatus.MNT3ERR_INVAL;
        };
    }

    private ExportList exportList() {
        List<ExportList.Node> out = new ArrayList<>();
        for (Export e : exports.all()) {
            List<String> groups = new ArrayList<>();
            for (Cidr c : e.rules().clients()) {
                groups.add(c.toString());
            }
            out.add(new ExportList.Node(e.path(), groups));
        }
        return new ExportList(out);
    }

    private void voidCall(RpcCall call, String name) throws IOException {
        if (voidArgs(call, name)) {
            call.reply(XdrVoid.XDR_VOID);
        }
    }

    private boolean voidArgs(RpcCall call, String name) throws IOException {
        return decode(call, XdrVoid.XDR_VOID, name);
    }

    private boolean decode(RpcCall call, XdrAble args, String name) {
        try {
            call.retrieveCall(args);
            return true;
        } catch (IOException | RuntimeException e) {
            LOG.warn("MOUNT {} from {}: garbage arguments ({})", name, host(call), e.getMessage());
            call.failRpcGarbage();
            return false;
        }
    }

    private static InetAddress address(RpcCall call) {
        InetSocketAddress a = call.getTransport().getRemoteSocketAddress();
        return a == null ? null : a.getAddress();
    }

    private static String host(RpcCall call) {
        InetAddress a = address(call);
        return a == null ? "unknown" : a.getHostAddress();
    }
}
