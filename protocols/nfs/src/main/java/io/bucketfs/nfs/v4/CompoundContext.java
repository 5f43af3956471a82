package io.bucketfs.nfs.v4;

import io.bucketfs.nfs.NfsFileHandles;
import io.bucketfs.nfs.export.Export;
import io.bucketfs.nfs.v4.attr.AttrEncoder;
import io.bucketfs.nfs.v4.attr.AttrSource;
import io.bucketfs.nfs.v4.state.ClientRecord;
import io.bucketfs.nfs.v4.state.Session;
import io.bucketfs.nfs.v4.state.Slot;
import io.bucketfs.nfs.v4.state.StateManager;
import io.bucketfs.nfs.v4.xdr.Bitmap4;
import io.bucketfs.nfs.v4.xdr.Fattr4;
import io.bucketfs.nfs.v4.xdr.Stateid4;
import io.bucketfs.vfs.Attr;
import io.bucketfs.vfs.Caller;
import io.bucketfs.vfs.FsStat;
import io.bucketfs.vfs.VfsException;
import java.net.InetAddress;
import java.util.Optional;

/**
 * The state of one COMPOUND while it runs (RFC 8881 16.2.3): the current and saved file handles and stateids, the
 * session of its SEQUENCE, and who is asking from where. Used by one thread.
 */
public final class CompoundContext {

    private final Nfs4Service service;
    private final int minorVersion;
    private final Creds creds;
    private final InetAddress clientAddress;
    private Node current;
    private Node saved;
    private Stateid4 currentStateid;
    private Stateid4 savedStateid;
    private Session session;
    private Slot slot;
    private boolean cacheThis;
    private Object replay;

    public CompoundContext(Nfs4Service service, int minorVersion, Creds creds, InetAddress clientAddress) {
        this.service = service;
        this.minorVersion = minorVersion;
        this.creds = creds;
        this.clientAddress = clientAddress;
    }

    public Nfs4Service service() {
        return service;
    }

    public StateManager state() {
        return service.state();
    }

    public int minorVersion() {
        return minorVersion;
    }

    public Creds creds() {
        return creds;
    }

    public InetAddress clientAddress() {
        return clientAddress;
    }

    // ---------------------------------------------------------------- file handles

    /** The current file: NOFILEHANDLE if none is set. */
    public Node current() throws Nfs4Exception {
        if (current == null) {
            throw new Nfs4Exception(NfsStat4.NFS4ERR_NOFILEHANDLE, "no current file handle");
        }
        return current;
    }

    public void setCurrent(Node n) {
        current = n;
    }

    public void clearCurrent() {
        current = null;
    }

    public void save() throws Nfs4Exception {
        saved = current();
        savedStateid = currentStateid;
    }

    public void restore() throws Nfs4Exception {
        if (saved == null) {
            throw new Nfs4Exception(NfsStat4.NFS4ERR_RESTOREFH, "no saved file handle");
        }
        current = saved;
        currentStateid = savedStateid;
    }

    /** The saved file: NOFILEHANDLE if none. */
    public Node saved() throws Nfs4Exception {
        if (saved == null) {
            throw new Nfs4Exception(NfsStat4.NFS4ERR_NOFILEHANDLE, "no saved file handle");
        }
        return saved;
    }

    /**
     * The file a handle names (RFC 8881 4.2.3): BADHANDLE if it is not one of ours, STALE if its export is gone,
     * ACCESS if the export does not admit this client.
     */
    public Node resolve(byte[] fh) throws Nfs4Exception {
        Optional<NfsFileHandles.Decoded> d = NfsFileHandles.decode(fh);
        if (d.isEmpty()) {
            throw new Nfs4Exception(NfsStat4.NFS4ERR_BADHANDLE, "not a handle of this server");
        }
        if (d.get().isPseudoRoot()) {
            return Node.PSEUDO_ROOT;
        }
        Export e = service.exports().byId(d.get().exportId()).orElseThrow(() -> new Nfs4Exception(
                NfsStat4.NFS4ERR_STALE, "export " + d.get().exportId() + " is gone"));
        admit(e);
        return new Node(e, d.get().file());
    }

    /** ACCESS unless the export admits this client's address. */
    public void admit(Export e) throws Nfs4Exception {
        if (!e.rules().admits(clientAddress)) {
            throw new Nfs4Exception(NfsStat4.NFS4ERR_ACCESS, "export " + e.name() + " does not admit "
                    + clientAddress.getHostAddress());
        }
    }

    /** The identity to run as on a file's export (root squash applied). */
    public Caller caller(Node n) {
        return n.isPseudoRoot() ? (creds.caller() == null ? Caller.ROOT : creds.caller())
                : creds.map(n.export().rules());
    }

    /** ROFS for the pseudo root and read-only exports. */
    public void checkWritable(Node n) throws Nfs4Exception {
        if (n.isPseudoRoot()) {
            throw new Nfs4Exception(NfsStat4.NFS4ERR_ROFS, "the pseudo root is read-only");
        }
        if (n.export().rules().readOnly()) {
            throw new Nfs4Exception(NfsStat4.NFS4ERR_ROFS, "export " + n.export().name() + " is read-only");
        }
    }

    /** The current file, which must be in an export (not the pseudo root): else {@code pseudoStatus}. */
    public Node currentInExport(int pseudoStatus) throws Nfs4Exception {
        Node n = current();
        if (n.isPseudoRoot()) {
            throw new Nfs4Exception(pseudoStatus, "not allowed on the pseudo root");
        }
        return n;
    }

    // ---------------------------------------------------------------- attributes

    public Attr getattr(Node n) throws Nfs4Exception {
        if (n.isPseudoRoot()) {
            return service.pseudoRootAttr();
        }
        try {
            return n.vfs().getattr(caller(n), n.handle());
        } catch (VfsException e) {
            throw Nfs4Errors.of(e);
        }
    }

    /** The requested attributes of a file whose VFS attributes are known. */
    public Fattr4 attributes(Node n, Attr a, Bitmap4 requested) throws Nfs4Exception {
        long fsid = n.isPseudoRoot() ? 0 : n.export().id();
        long mountedOn = n.isExportRoot() ? Nfs4Service.PSEUDO_MOUNT_FILEID_BASE + n.export().id() : a.fileId();
        AttrSource.Statfs statfs = () -> statfs(n);
        return AttrEncoder.encode(requested, new AttrSource(a, n.fh(), fsid, mountedOn, statfs, minorVersion,
                state().leaseSeconds(), service.settings().maxIoBytes()));
    }

    private FsStat statfs(Node n) throws Nfs4Exception {
        if (n.isPseudoRoot()) {
            return new FsStat(0, 0, 0, 0, io.bucketfs.vfs.Vfs.MAX_NAME_BYTES, 0);
        }
        try {
            return n.vfs().statfs(caller(n), n.handle());
        } catch (VfsException e) {
            throw Nfs4Errors.of(e);
        }
    }

    // ---------------------------------------------------------------- stateids and sessions

    public Stateid4 currentStateid() {
        return currentStateid;
    }

    public void setCurrentStateid(Stateid4 s) {
        currentStateid = s;
    }

    /** Replaces the special "current stateid" (4.1, RFC 8881 16.2.3.1.2) by the actual one. */
    public Stateid4 actual(Stateid4 s) throws Nfs4Exception {
        if (minorVersion > 0 && s.isCurrent()) {
            if (currentStateid == null) {
                throw new Nfs4Exception(NfsStat4.NFS4ERR_BAD_STATEID, "no current stateid");
            }
            return currentStateid;
        }
        return s;
    }

    public Session session() {
        return session;
    }

    /** The client of this COMPOUND's session (4.1+); for 4.0 the client named in the arguments is used. */
    public ClientRecord sessionClient() throws Nfs4Exception {
        if (session == null) {
            throw new Nfs4Exception(NfsStat4.NFS4ERR_OP_NOT_IN_SESSION, "no session");
        }
        return session.client();
    }

    /** The client an operation's arguments name: the session's in 4.1+, else looked up by id. */
    public ClientRecord client(long clientId) throws Nfs4Exception {
        return minorVersion > 0 ? sessionClient() : state().client(clientId);
    }

    public void sequenced(Session s, Slot sl, boolean cache) {
        session = s;
        slot = sl;
        cacheThis = cache;
    }

    public Slot slot() {
        return slot;
    }

    public boolean cacheThis() {
        return cacheThis;
    }

    /** A retransmission's cached reply (set by SEQUENCE), sent instead of running the COMPOUND. */
    public void replay(Object reply) {
        replay = reply;
    }

    public Object replay() {
        return replay;
    }
}
