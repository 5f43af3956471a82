package io.bucketfs.nfs.v4;

import io.bucketfs.nfs.export.ExportRules;
import io.bucketfs.vfs.Caller;
import org.dcache.oncrpc4j.rpc.RpcAuth;
import org.dcache.oncrpc4j.rpc.RpcAuthTypeUnix;

/**
 * The RPC credential of a call (RFC 5531 AUTH_SYS, or none): what export rules turn into a VFS {@link Caller}.
 *
 * @param caller the AUTH_SYS identity, or null for AUTH_NONE and other flavours
 */
public record Creds(Caller caller) {

    public static final Creds NONE = new Creds(null);

    public static Creds of(RpcAuth auth) {
        if (auth instanceof RpcAuthTypeUnix u) {
            return new Creds(new Caller(u.uid(), u.gid(), u.gids()));
        }
        return NONE;
    }

    /** The identity for an export, root squash applied. */
    public Caller map(ExportRules rules) {
        return caller == null ? rules.anonymous() : rules.map(caller);
    }
}
