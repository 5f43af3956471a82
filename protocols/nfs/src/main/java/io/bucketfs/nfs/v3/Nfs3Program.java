package io.bucketfs.nfs.v3;

import io.bucketfs.nfs.NfsFileHandles;
import io.bucketfs.nfs.NfsSettings;
import io.bucketfs.nfs.export.Export;
import io.bucketfs.nfs.export.ExportRules;
import io.bucketfs.nfs.export.ExportTable;
import io.bucketfs.nfs.v3.proc.Access3;
import io.bucketfs.nfs.v3.proc.Commit3;
import io.bucketfs.nfs.v3.proc.Create3;
import io.bucketfs.nfs.v3.proc.Fsinfo3;
import io.bucketfs.nfs.v3.proc.Fsstat3;
import io.bucketfs.nfs.v3.proc.Getattr3;
import io.bucketfs.nfs.v3.proc.Link3;
import io.bucketfs.nfs.v3.proc.Lookup3;
import io.bucketfs.nfs.v3.proc.Mkdir3;
import io.bucketfs.nfs.v3.proc.Mknod3;
import io.bucketfs.nfs.v3.proc.Pathconf3;
import io.bucketfs.nfs.v3.proc.Read3;
import io.bucketfs.nfs.v3.proc.Readdir3;
import io.bucketfs.nfs.v3.proc.Readdirplus3;
import io.bucketfs.nfs.v3.proc.Readlink3;
import io.bucketfs.nfs.v3.proc.Remove3;
import io.bucketfs.nfs.v3.proc.Rename3;
import io.bucketfs.nfs.v3.proc.Setattr3;
import io.bucketfs.nfs.v3.proc.Symlink3;
import io.bucketfs.nfs.v3.proc.Write3;
import io.bucketfs.vfs.Caller;
import io.bucketfs.vfs.VfsException;
import java.io.IOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.util.Objects;
import java.util.Optional;
import org.dcache.oncrpc4j.rpc.RpcAuth;
import org.dcache.oncrpc4j.rpc.RpcAuthTypeUnix;
import org.dcache.oncrpc4j.rpc.RpcCall;
import org.dcache.oncrpc4j.rpc.RpcDispatchable;
import org.dcache.oncrpc4j.xdr.XdrAble;
import org.dcache.oncrpc4j.xdr.XdrVoid;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The NFS version 3 program, RFC 1813 (program {@value #PROGRAM}, version {@value #VERSION}): decodes each call's
 * arguments within their limits, applies the export rules of the export its file handle names (a client address
 * the export does not admit: NFS3ERR_ACCES; a change on a read-only export: NFS3ERR_ROFS; root squash), runs the
 * procedure against the VFS and replies. Source ports are not checked (clients behind NAT use high ports).
 *
 * <p>Faults are sorted here: undecodable arguments are GARBAGE_ARGS with one WARN line; VFS outcomes are the
 * client's business (DEBUG), except I/O errors and server faults (ERROR with the stack trace); an unexpected
 * exception is NFS3ERR_SERVERFAULT with an ERROR. Stateless: safe to call from any number of threads.
 */
public final class Nfs3Program implements RpcDispatchable {

    public static final int PROGRAM = 100003;
    public static final int VERSION = 3;

    private static final Logger LOG = LoggerFactory.getLogger(Nfs3Program.class);

    private final ExportTable exports;
    private final NfsSettings settings;
    private final Nfs3Proc<?>[] procs;

    public Nfs3Program(ExportTable exports, NfsSettings settings) {
        this.exports = Objects.requireNonNull(exports, "exports");
        this.settings = Objects.requireNonNull(settings, "settings");
        this.procs = new Nfs3Proc<?>[] {
            null, // 0 NULL
            new Getattr3(), new Setattr3(), new Lookup3(), new Access3(), new Readlink3(), new Read3(),
            new Write3(settings.maxIoBytes()), new Create3(), new Mkdir3(), new Symlink3(), new Mknod3(),
            new Remove3(false), new Remove3(true), new Rename3(), new Link3(), new Readdir3(), new Readdirplus3(),
            new Fsstat3(), new Fsinfo3(), new Pathconf3(), new Commit3(),
        };
    }

    /** Procedure {@code p} (1 to 21), the same instance every call decodes with (the decoder fuzz target's entry). */
    public Nfs3Proc<?> procedure(int p) {
        return procs[p];
    }

    /** Per-procedure metrics (latency only: the status is inside each reply); set by the embedding gateway. */
    private volatile io.bucketfs.vfs.OpListener opListener = io.bucketfs.vfs.OpListener.NONE;

    public void opListener(io.bucketfs.vfs.OpListener listener) {
        this.opListener = java.util.Objects.requireNonNull(listener, "listener");
    }

    @Override
    public void dispatchOncRpcCall(RpcCall call) throws IOException {
        int p = call.getProcedure();
        if (p == 0) {
            try {
                call.retrieveCall(XdrVoid.XDR_VOID);
            } catch (IOException | RuntimeException e) {
                garbage(call, "NULL", e);
                return;
            }
            call.reply(XdrVoid.XDR_VOID);
            return;
        }
        if (p < 0 || p >= procs.length) {
            LOG.warn("NFSv3 procedure {} from {}: unavailable", p, client(call));
            call.failProcedureUnavailable();
            return;
        }
        dispatch(call, procs[p]);
    }

    private <A extends Nfs3Args> void dispatch(RpcCall call, Nfs3Proc<A> proc) throws IOException {
        A args = proc.newArgs();
        try {
            call.retrieveCall(args);
        } catch (IOException | RuntimeException e) {
            garbage(call, proc.name(), e);
            return;
        }
        long t0 = System.nanoTime();
        XdrAble res = execute(call, proc, args);
        opListener.onOp("nfs3", proc.name(), System.nanoTime() - t0, false);
        call.reply(res);
    }

    private <A extends Nfs3Args> XdrAble execute(RpcCall call, Nfs3Proc<A> proc, A args) {
        Optional<NfsFileHandles.Decoded> h = NfsFileHandles.decode(args.handle());
        if (h.isEmpty()) {
            return refuse(call, proc, args, null, Nfs3Status.NFS3ERR_BADHANDLE, "not a bucketfs handle");
        }
        Optional<Export> export = h.get().isPseudoRoot() ? Optional.empty() : exports.byId(h.get().exportId());
        if (export.isEmpty()) {
            return refuse(call, proc, args, null, Nfs3Status.NFS3ERR_STALE, "no export " + h.get().exportId());
        }
        ExportRules rules = export.get().rules();
        InetAddress client = client(call);
        if (client == null || !rules.admits(client)) {
            LOG.warn("NFSv3 {} from {}: export {} does not admit the client (NFS3ERR_ACCES)", proc.name(), client,
                    export.get().name());
            return proc.failed(null, args, Nfs3Status.NFS3ERR_ACCES);
        }
        Nfs3Request rq = new Nfs3Request(export.get(), caller(call.getCredential(), rules), settings);
        if (proc.modifies() && rules.readOnly()) {
            return refuse(call, proc, args, rq, Nfs3Status.NFS3ERR_ROFS,
                    "export " + export.get().name() + " is read-only");
        }
        try {
            return proc.run(rq, args);
        } catch (VfsException e) {
            if (e.isClientError()) {
                LOG.debug("NFSv3 {} from {}: {}", proc.name(), client, e.toString());
            } else {
                LOG.error("NFSv3 {} from {} failed", proc.name(), client, e);
            }
            return proc.failed(rq, args, Nfs3Status.of(e.status()));
        } catch (Nfs3Error e) {
            LOG.debug("NFSv3 {} from {}: status {} ({})", proc.name(), client, e.status(), e.getMessage());
            return proc.failed(rq, args, e.status());
        } catch (RuntimeException e) {
            LOG.error("NFSv3 {} from {}: server fault", proc.name(), client, e);
            return proc.failed(rq, args, Nfs3Status.NFS3ERR_SERVERFAULT);
        }
    }

    private <A extends Nfs3Args> XdrAble refuse(RpcCall call, Nfs3Proc<A> proc, A args, Nfs3Request rq, int status,
                                                String why) {
        LOG.debug("NFSv3 {} from {}: status {} ({})", proc.name(), client(call), status, why);
        return proc.failed(rq, args, status);
    }

    /** The caller of an AUTH_SYS call, or the export's anonymous identity for any other flavor; rules applied. */
    static Caller caller(RpcAuth auth, ExportRules rules) {
        if (auth instanceof RpcAuthTypeUnix u) {
            return rules.map(new Caller(u.uid(), u.gid(), u.gids()));
        }
        return rules.anonymous();
    }

    static InetAddress client(RpcCall call) {
        InetSocketAddress a = call.getTransport().getRemoteSocketAddress();
        return a == null ? null : a.getAddress();
    }

    private static void garbage(RpcCall call, String proc, Throwable e) {
        LOG.warn("NFSv3 {} from {}: garbage arguments ({})", proc, client(call), e.getMessage());
        call.failRpcGarbage();
    }
}
