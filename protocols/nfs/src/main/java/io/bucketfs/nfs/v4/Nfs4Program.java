package io.bucketfs.nfs.v4;

import java.net.InetAddress;
import java.net.InetSocketAddress;
import org.dcache.oncrpc4j.rpc.RpcCall;
import org.dcache.oncrpc4j.rpc.RpcDispatchable;
import org.dcache.oncrpc4j.xdr.XdrVoid;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * NFS program 100003 version 4 (RFC 8881 16.1): NULL and COMPOUND. Runs on the server's worker pool, never on an
 * RPC I/O thread. Arguments that do not decode are GARBAGE_ARGS; nothing thrown by an operation escapes (a bug
 * becomes NFS4ERR_SERVERFAULT, logged with its stack trace).
 */
public final class Nfs4Program implements RpcDispatchable {

    public static final int PROGRAM = 100003;
    public static final int VERSION = 4;
    public static final int PROC_NULL = 0;
    public static final int PROC_COMPOUND = 1;

    private static final Logger LOG = LoggerFactory.getLogger(Nfs4Program.class);

    private final Nfs4Service service;

    public Nfs4Program(Nfs4Service service) {
        this.service = service;
    }

    public Nfs4Service service() {
        return service;
    }

    @Override
    public void dispatchOncRpcCall(RpcCall call) {
        switch (call.getProcedure()) {
            case PROC_NULL -> call.reply(XdrVoid.XDR_VOID);
            case PROC_COMPOUND -> compound(call);
            default -> call.failProcedureUnavailable();
        }
    }

    private void compound(RpcCall call) {
        InetAddress from = clientAddress(call);
        CompoundArgs args = new CompoundArgs();
        try {
            call.retrieveCall(args);
        } catch (java.io.IOException | RuntimeException e) {
            LOG.warn("COMPOUND from {} does not decode: {}", from.getHostAddress(), e.getMessage());
            call.failRpcGarbage();
            return;
        }
        CompoundRes res;
        try {
            res = CompoundProcessor.process(args, new CompoundContext(service, args.minorVersion(),
                    Creds.of(call.getCredential()), from));
        } catch (RuntimeException | Error e) {
            LOG.error("COMPOUND from {} failed: server fault", from.getHostAddress(), e);
            call.failRpcSystem();
            return;
        }
        call.reply(res);
    }

    private static InetAddress clientAddress(RpcCall call) {
        InetSocketAddress a = call.getTransport().getRemoteSocketAddress();
        return a == null ? InetAddress.getLoopbackAddress() : a.getAddress();
    }
}
