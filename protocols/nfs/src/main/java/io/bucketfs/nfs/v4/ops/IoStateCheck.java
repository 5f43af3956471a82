package io.bucketfs.nfs.v4.ops;

import io.bucketfs.nfs.v4.CompoundContext;
import io.bucketfs.nfs.v4.Nfs4Exception;
import io.bucketfs.nfs.v4.Node;
import io.bucketfs.nfs.v4.NfsStat4;
import io.bucketfs.nfs.v4.state.LockState;
import io.bucketfs.nfs.v4.state.NfsState;
import io.bucketfs.nfs.v4.state.OpenState;
import io.bucketfs.nfs.v4.xdr.Stateid4;
import io.bucketfs.vfs.lock.ShareAccess;

/**
 * The stateid check of READ, WRITE, SEEK, ALLOCATE and DEALLOCATE (RFC 8881 8.2.2, 9.1.2): the anonymous stateid
 * (and, for reads, the bypass stateid) pass; otherwise the stateid must name an open or lock of this very file,
 * whatever its seqid, and a write needs an open with write access (NFS4ERR_OPENMODE).
 */
final class IoStateCheck {

    private IoStateCheck() {
    }

    static void check(CompoundContext ctx, Stateid4 given, Node n, boolean write) throws Nfs4Exception {
        Stateid4 sid = ctx.actual(given);
        if (sid.isAnonymous() || (!write && sid.isBypass())) {
            return;
        }
        if (sid.isSpecial()) {
            throw new Nfs4Exception(NfsStat4.NFS4ERR_BAD_STATEID, "special stateid " + sid);
        }
        // I/O does not change the state, so an outdated seqid (racing an OPEN upgrade or a LOCK) is accepted:
        // only the state it names matters (RFC 8881 8.2.2 leaves this to the server)
        NfsState st = ctx.state().resolve(sid.withSeqid(0), 1);
        if (st.exportId() != n.export().id() || st.file().fileId() != n.handle().fileId()) {
            throw new Nfs4Exception(NfsStat4.NFS4ERR_BAD_STATEID, sid + " is for another file");
        }
        OpenState open = st instanceof LockState l ? l.open() : (OpenState) st;
        if (write && !open.access().contains(ShareAccess.WRITE)) {
            throw new Nfs4Exception(NfsStat4.NFS4ERR_OPENMODE, "write through an open without write access");
        }
    }
}
