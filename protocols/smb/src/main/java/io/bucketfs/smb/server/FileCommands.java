package io.bucketfs.smb.server;

import io.bucketfs.smb.msfscc.FileInfo;
import io.bucketfs.smb.mssmb2.CreateContexts;
import io.bucketfs.smb.mssmb2.Dialect;
import io.bucketfs.smb.mssmb2.NtStatus;
import io.bucketfs.smb.mssmb2.Request;
import io.bucketfs.smb.mssmb2.Smb2Header;
import io.bucketfs.smb.mssmb2.SmbProtocolException;
import io.bucketfs.vfs.Attr;
import io.bucketfs.vfs.Caller;
import io.bucketfs.vfs.CreateMode;
import io.bucketfs.vfs.DosAttributes;
import io.bucketfs.vfs.Entry;
import io.bucketfs.vfs.FileHandle;
import io.bucketfs.vfs.FileType;
import io.bucketfs.vfs.SetAttr;
import io.bucketfs.vfs.Stability;
import io.bucketfs.vfs.Vfs;
import io.bucketfs.vfs.VfsException;
import io.bucketfs.vfs.VfsStatus;
import io.bucketfs.vfs.lock.BreakIntent;
import io.bucketfs.vfs.lock.LockOwner;
import io.bucketfs.vfs.lock.LockResult;
import io.bucketfs.vfs.lock.LockStatus;
import io.bucketfs.vfs.lock.ShareAccess;
import io.bucketfs.vfs.lock.ShareResult;
import io.netty.buffer.ByteBuf;
import io.netty.buffer.Unpooled;
import java.nio.ByteBuffer;
import java.util.EnumSet;
import java.util.Set;
import java.util.concurrent.ExecutionException;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * [MS-SMB2] 3.3.5.9 CREATE, 3.3.5.10 CLOSE, 3.3.5.11 FLUSH, 3.3.5.12 READ, 3.3.5.13 WRITE over the VFS. Share
 * modes are share reservations in the VFS lock manager (so NFS opens see them); paths are resolved from the
 * share root component by component.
 */
final class FileCommands {
    private static final Logger LOG = LoggerFactory.getLogger(FileCommands.class);
    // [MS-SMB2] 2.2.13 CreateDisposition
    static final int SUPERSEDE = 0;
    static final int OPEN = 1;
    static final int CREATE = 2;
    static final int OPEN_IF = 3;
    static final int OVERWRITE = 4;
    static final int OVERWRITE_IF = 5;
    // CreateOptions
    static final int DIRECTORY_FILE = 0x1;
    static final int NON_DIRECTORY_FILE = 0x40;
    static final int DELETE_ON_CLOSE = 0x1000;
    static final int SHARE_NS = 0;

    private final SmbServer server;

    FileCommands(SmbServer server) {
        this.server = server;
    }

    static Caller caller(Exchange x) {
        return x.session.user.caller();
    }

    static Vfs vfs(TreeConnect t) throws SmbProtocolException {
        if (t.share().isIpc()) {
            throw new SmbProtocolException(NtStatus.NOT_SUPPORTED, "no files on IPC$");
        }
        return t.share().vfs();
    }

    /**
     * Splits a share-relative path into components. '\\' and '/' both separate (like Samba); "." components
     * drop and ".." ones remove the previous one, and a ".." above the share root is OBJECT_PATH_SYNTAX_BAD;
     * empty components and stream names are OBJECT_NAME_INVALID.
     */
    static String[] components(String path) throws SmbProtocolException {
        String p = path.replace('/', '\\');
        while (p.startsWith("\\")) {
            p = p.substring(1);
        }
        if (p.isEmpty()) {
            return new String[0];
        }
        java.util.ArrayList<String> parts = new java.util.ArrayList<>();
        for (String s : p.split("\\\\", -1)) {
            if (s.equals(".")) {
                continue;
            }
            if (s.equals("..")) {
                if (parts.isEmpty()) {
                    throw new SmbProtocolException(NtStatus.OBJECT_PATH_SYNTAX_BAD, "path above the share root");
                }
                parts.remove(parts.size() - 1);
                continue;
            }
            if (s.isEmpty() || s.indexOf(':') >= 0) {
                throw new SmbProtocolException(NtStatus.OBJECT_NAME_INVALID, "bad path component");
            }
            parts.add(s);
        }
        return parts.toArray(new String[0]);
    }

    /** The directory that holds the last component (the root for a one-component path). */
    static FileHandle walkParent(Vfs vfs, Caller c, String[] parts) throws SmbProtocolException {
        FileHandle dir = vfs.root();
        for (int i = 0; i < parts.length - 1; i++) {
            try {
                Entry e = vfs.lookup(c, dir, parts[i]);
                if (e.attr().type() != FileType.DIRECTORY) {
                    throw new SmbProtocolException(NtStatus.OBJECT_PATH_NOT_FOUND, "not a directory");
                }
                dir = e.handle();
            } catch (VfsException e) {
                throw new SmbProtocolException(e.status() == VfsStatus.NOT_FOUND ? NtStatus.OBJECT_PATH_NOT_FOUND
                        : SmbStatus.of(e.status()), "path walk");
            }
        }
        return dir;
    }

    int create(Exchange x) throws SmbProtocolException, VfsException {
        return create(x, true);
    }

    /** CREATE; {@code mayRetry}: a create that lost a race for a new name opens what the winner made. */
    private int create(Exchange x, boolean mayRetry) throws SmbProtocolException, VfsException {
        Request r = x.req;
        r.expectStructure(57);
        TreeConnect t = x.requireTree();
        if (t.share().isIpc()) {
            return NtStatus.OBJECT_NAME_NOT_FOUND;
        }
        Vfs vfs = t.share().vfs();
        Caller c = caller(x);
        int impersonation = r.body32(4);
        int access = AccessRights.granted(r.body32(24));
        int fileAttributes = r.body32(28);
        int shareAccess = r.body32(32);
        int disposition = r.body32(36);
        int options = r.body32(40);
        String path = r.utf16(r.body16(44), r.body16(46));
        java.util.Map<String, byte[]> contexts = CreateContexts.decode(r.bytes(r.bodyU32(48), r.bodyU32(52)));
        if (disposition < SUPERSEDE || disposition > OVERWRITE_IF
                || (options & (DIRECTORY_FILE | NON_DIRECTORY_FILE)) == (DIRECTORY_FILE | NON_DIRECTORY_FILE)) {
            return NtStatus.INVALID_PARAMETER;
        }
        if (impersonation < 0 || impersonation > 3) { // [MS-SMB2] 3.3.5.9
            return NtStatus.BAD_IMPERSONATION_LEVEL;
        }
        if (path.startsWith("\\")) { // [MS-SMB2] 3.3.5.9: a leading separator is invalid
            return NtStatus.INVALID_PARAMETER;
        }
        int writeProtected = t.share().refuseOpen(r.body32(24), disposition);
        if (writeProtected != NtStatus.SUCCESS) {
            return writeProtected;
        }
        if (t.share().readOnly()) {
            access &= ~Share.WRITE_RIGHTS; // what MAXIMUM_ALLOWED grants on a write-protected volume
        }
        String[] parts = components(path);
        FileHandle parent = walkParent(vfs, c, parts);
        String name = parts.length == 0 ? "" : parts[parts.length - 1];
        Entry entry = null;
        if (parts.length == 0) {
            entry = new Entry(vfs.root(), vfs.getattr(c, vfs.root()));
        } else {
            try {
                entry = vfs.lookup(c, parent, name);
            } catch (VfsException e) {
                if (e.status() != VfsStatus.NOT_FOUND) {
                    throw e;
                }
            }
        }
        int action;
        boolean wantDir = (options & DIRECTORY_FILE) != 0;
        if (entry != null) {
            boolean isDir = entry.attr().type() == FileType.DIRECTORY;
            if (disposition == CREATE) {
                return NtStatus.OBJECT_NAME_COLLISION;
            }
            if (wantDir && !isDir) {
                return NtStatus.NOT_A_DIRECTORY;
            }
            if ((options & NON_DIRECTORY_FILE) != 0 && isDir) {
                return NtStatus.FILE_IS_A_DIRECTORY;
            }
            if (vfs.locks().isDeletePending(entry.attr().fileId())) {
                return NtStatus.DELETE_PENDING;
            }
            action = disposition == SUPERSEDE ? 0 : disposition == OVERWRITE || disposition == OVERWRITE_IF ? 3 : 1;
            if (action != 1 && isDir) {
                return NtStatus.INVALID_PARAMETER;
            }
        } else {
            if (disposition == OPEN || disposition == OVERWRITE || parts.length == 0) {
                return NtStatus.OBJECT_NAME_NOT_FOUND;
            }
            if (t.share().readOnly()) {
                return NtStatus.MEDIA_WRITE_PROTECTED; // OPEN_IF of a new name on a write-protected volume
            }
            if (vfs.locks().isDeletePending(parent.fileId())) {
                return NtStatus.DELETE_PENDING; // nothing new in a directory about to go
            }
            int refused = refuseNew(wantDir, fileAttributes, options);
            if (refused != NtStatus.SUCCESS) {
                return refused;
            }
            SetAttr initial = SetAttr.mode(wantDir ? 0755 : 0644);
            int dos = newAttributes(wantDir, fileAttributes);
            if (dos != 0) {
                initial = initial.withDosAttributes(dos);
            }
            try {
                entry = wantDir ? vfs.mkdir(c, parent, name, initial)
                        : vfs.create(c, parent, name, CreateMode.GUARDED, initial, 0);
            } catch (VfsException e) {
                if (e.status() == VfsStatus.EXISTS && disposition != CREATE && mayRetry) {
                    return create(x, false);
                }
                throw e;
            }
            action = 2;
        }
        boolean isDir = entry.attr().type() == FileType.DIRECTORY;
        if (action != 2 && !isDir && (entry.attr().dosAttributes() & DosAttributes.READONLY) != 0) {
            int refused = readOnly(r.body32(24), access, action);
            if (refused < 0) {
                return NtStatus.ACCESS_DENIED;
            }
            access = refused;
        }
        if ((options & DELETE_ON_CLOSE) != 0) {
            if (!AccessRights.any(access, AccessRights.DELETE)) {
                return NtStatus.ACCESS_DENIED;
            }
            if ((entry.attr().dosAttributes() & DosAttributes.READONLY) != 0) {
                return NtStatus.CANNOT_DELETE;
            }
            if (isDir && action == 1 && !vfs.readdir(c, entry.handle(), 0, 0, 1).entries().isEmpty()) {
                return NtStatus.DIRECTORY_NOT_EMPTY;
            }
        }
        long openId = server.newOpenId();
        long fileId = entry.attr().fileId();
        int requestedOplock = r.u8(3);
        // [MS-SMB2] 3.3.5.9.8: a lease is asked for with OplockLevel LEASE and an RqLs context, from 2.1 on
        byte[] leaseContext = requestedOplock == Oplocks.LEASE && x.conn.dialect != Dialect.SMB_2_0_2
                && SmbLeases.key(contexts.get(SmbLeases.REQUEST_LEASE)) != null
                ? contexts.get(SmbLeases.REQUEST_LEASE) : null;
        LockOwner owner = leaseContext == null ? owner(x.session, openId) : new LockOwner(
                server.leases().namespace(x.conn, SmbLeases.key(leaseContext), fileId), Long.toString(openId));
        Opening op = new Opening(t, c, entry, parent, name, String.join("\\", parts), openId, owner, action,
                access, fileAttributes, options, requestedOplock, leaseContext, contexts);
        // [MS-FSA] 2.1.5.1.2: an open breaks EXCLUSIVE and BATCH oplocks of others to LEVEL_II, one that
        // overwrites breaks every oplock to NONE; a sharing violation breaks nothing, unless a BATCH oplock
        // may be holding the conflicting handle open
        BreakIntent intent = action == 0 || action == 3 ? BreakIntent.WRITE : BreakIntent.READ;
        if (!shareCompatible(vfs, fileId, access, shareAccess) && !server.nodes().hasBatchOplock(fileId)) {
            return NtStatus.SHARING_VIOLATION;
        }
        java.util.concurrent.CompletableFuture<ShareResult> share =
                reserveAsync(vfs, fileId, owner, access, shareAccess, intent);
        if (share == null) {
            // an open without data access: a stat open (attributes, SYNCHRONIZE only) breaks oplocks only when it
            // overwrites; another breaks them but, reading no data, need not wait for the acknowledgment. It takes
            // part in no sharing, but is recorded as an open of the file (delete-pending's last close counts it)
            boolean stat = (access & ~(AccessRights.FILE_READ_ATTRIBUTES | AccessRights.FILE_WRITE_ATTRIBUTES
                    | AccessRights.SYNCHRONIZE)) == 0;
            if (intent == BreakIntent.WRITE) {
                share = vfs.locks().breakLeases(fileId, owner, intent)
                        .thenApply(v -> vfs.locks().openHandle(fileId, owner));
            } else {
                if (!stat) {
                    vfs.locks().breakLeases(fileId, owner, intent);
                }
                share = java.util.concurrent.CompletableFuture.completedFuture(vfs.locks().openHandle(fileId, owner));
            }
        }
        if (!share.isDone()) {
            return createPending(x, op, share);
        }
        long shareId = shareId(share.join());
        int status = finishCreate(x.conn, x.session, op, shareId, x.out);
        if (status == NtStatus.SUCCESS) {
            x.resultFileId = openId;
        }
        return status;
    }

    /** What a CREATE decided before it takes its share reservation, which may wait for oplock breaks. */
    private record Opening(TreeConnect tree, Caller caller, Entry entry, FileHandle parent, String name,
                           String path, long openId, LockOwner owner, int action, int access, int fileAttributes,
                           int options, int requestedOplock, byte[] leaseContext,
                           java.util.Map<String, byte[]> contexts) {
    }

    /**
     * A CREATE whose share reservation waits for oplock or lease breaks of other opens ([MS-SMB2] 3.3.5.9:
     * the server may answer STATUS_PENDING, 3.3.4.2): the final response follows once the breaks are
     * acknowledged or timed out, so the worker and the connection go on (the acknowledgment may come on it).
     */
    private int createPending(Exchange x, Opening op, java.util.concurrent.CompletableFuture<ShareResult> share) {
        SmbConnection conn = x.conn;
        long asyncId = conn.newAsyncId();
        x.asyncId = asyncId;
        Smb2Header request = x.header();
        Session s = x.session;
        Session encryptedBy = x.encryptedBy;
        conn.asyncRequests.put(asyncId, new SmbConnection.AsyncRequest(request.messageId, s.id,
                () -> share.cancel(false)));
        x.afterSend = () -> share.whenCompleteAsync((res, err) -> {
            int status;
            ByteBuf body = Unpooled.buffer(128);
            try {
                if (err != null) {
                    status = NtStatus.CANCELLED;
                } else {
                    status = finishCreate(conn, s, op, shareId(res), body);
                }
            } catch (SmbProtocolException e) {
                status = e.status();
            } catch (VfsException e) {
                status = SmbStatus.of(e.status());
            } catch (RuntimeException e) {
                LOG.warn("SMB CREATE of {} failed after its wait", op.path(), e);
                status = NtStatus.INTERNAL_ERROR;
            }
            byte[] bytes = new byte[body.readableBytes()];
            body.readBytes(bytes);
            LOG.debug("SMB CREATE of {} (async {}): {}", op.path(), asyncId, Integer.toHexString(status));
            conn.sendFinal(request, asyncId, s, encryptedBy, status, bytes);
        }, server.workers());
        LOG.debug("SMB CREATE of {} pending on oplock breaks (async {})", op.path(), asyncId);
        return NtStatus.PENDING;
    }

    /** The reservation id of a granted share result; -1 for null (an open that takes no reservation). */
    private static long shareId(ShareResult res) throws SmbProtocolException {
        if (res == null) {
            return -1;
        }
        if (res.status() == LockStatus.DELETE_PENDING) {
            throw new SmbProtocolException(NtStatus.DELETE_PENDING, "the file is delete-pending");
        }
        if (res.status() != LockStatus.GRANTED) {
            throw new SmbProtocolException(NtStatus.SHARING_VIOLATION, "share mode conflict");
        }
        return res.reservation().orElseThrow().id();
    }

    /** The rest of a CREATE once its reservation is taken: overwrite, the open, its oplock, the response. */
    private int finishCreate(SmbConnection conn, Session session, Opening op, long shareId, ByteBuf out)
            throws SmbProtocolException, VfsException {
        Vfs vfs = op.tree().share().vfs();
        Entry entry = op.entry();
        int action = op.action();
        Attr attr = entry.attr();
        if (action == 0 || action == 3) {
            try {
                // [MS-FSA] 2.1.5.1.2.1: an overwritten file takes the requested attributes plus ARCHIVE
                attr = vfs.setattr(op.caller(), entry.handle(), SetAttr.NONE.withSize(0L)
                        .withDosAttributes(newAttributes(false, op.fileAttributes())), null);
            } catch (VfsException e) {
                if (shareId >= 0) {
                    vfs.locks().close(entry.attr().fileId(), shareId);
                }
                throw e;
            }
        }
        boolean isDir = attr.type() == FileType.DIRECTORY;
        long openId = op.openId();
        Open o = new Open(openId, op.tree(), entry.handle(), isDir, op.access(), shareId, op.owner(), op.parent(),
                op.name(), op.path());
        o.deleteOnClose = (op.options() & DELETE_ON_CLOSE) != 0;
        o.mode = op.options() & FileInfo.MODE_FROM_CREATE;
        server.nodes().opened(attr.fileId(), o);
        session.opens.put(openId, o);
        // no directory leasing (SMB2_GLOBAL_CAP_DIRECTORY_LEASING is not announced)
        byte[] lease = op.leaseContext() == null || isDir ? null
                : server.leases().grant(conn, session, o, op.leaseContext());
        int oplock = lease != null ? Oplocks.LEASE : Oplocks.grant(conn, session, o, op.requestedOplock());
        out.writeShortLE(89).writeByte(oplock).writeByte(0).writeIntLE(action);
        FileInfo.times(out, attr);
        out.writeLongLE(FileInfo.allocation(attr));
        out.writeLongLE(isDir ? 0 : attr.size());
        out.writeIntLE(FileInfo.attributes(attr));
        out.writeIntLE(0);
        out.writeLongLE(openId).writeLongLE(openId);
        ByteBuf answers = answerContexts(op.contexts(), attr, op.tree().share(), lease);
        out.writeIntLE(answers.isReadable() ? Smb2Header.SIZE + 88 : 0).writeIntLE(answers.readableBytes());
        out.writeBytes(answers);
        return NtStatus.SUCCESS;
    }

    /**
     * [MS-FSA] 2.1.5.1.2.1: opening an existing file whose FILE_ATTRIBUTE_READONLY is set to write or append
     * data, or to overwrite or supersede it, is ACCESS_DENIED (returned as -1); MAXIMUM_ALLOWED alone is granted
     * what it may have, without those rights. Returns the access granted otherwise.
     */
    static int readOnly(int desired, int access, int action) {
        int write = AccessRights.FILE_WRITE_DATA | AccessRights.FILE_APPEND_DATA;
        boolean explicit = AccessRights.any(AccessRights.granted(desired & ~AccessRights.MAXIMUM_ALLOWED), write);
        if (explicit || action == 0 || action == 3) {
            return -1;
        }
        return access & ~write;
    }

    /**
     * [MS-FSA] 2.1.5.1.2.1 checks before a new file or directory is made: a read-only file cannot be created
     * delete-on-close, a directory cannot be temporary.
     */
    private static int refuseNew(boolean wantDir, int fileAttributes, int options) {
        if (wantDir && (fileAttributes & FileInfo.ATTR_TEMPORARY) != 0) {
            return NtStatus.INVALID_PARAMETER;
        }
        if (!wantDir && (options & DELETE_ON_CLOSE) != 0 && (fileAttributes & DosAttributes.READONLY) != 0) {
            return NtStatus.CANNOT_DELETE;
        }
        return NtStatus.SUCCESS;
    }

    /** The stored attributes of a new (or overwritten) file: those asked for, plus ARCHIVE for a file. */
    static int newAttributes(boolean dir, int fileAttributes) {
        int dos = fileAttributes & DosAttributes.STORED;
        return dir ? dos & ~DosAttributes.ARCHIVE : dos | DosAttributes.ARCHIVE;
    }

    /**
     * [MS-SMB2] 3.3.5.9.5 and 3.3.5.9.9: the response contexts for MxAc (every right the share allows: access is
     * decided by the POSIX mode of the VFS, not by ACLs) and QFid (the file id, and a volume id from the share name); other
     * request contexts get no answer.
     */
    private static ByteBuf answerContexts(java.util.Map<String, byte[]> contexts, Attr attr, Share share,
            byte[] lease) {
        ByteBuf b = Unpooled.buffer();
        int last = -1;
        if (contexts.containsKey(CreateContexts.MAXIMAL_ACCESS)) {
            byte[] d = new byte[8];
            ByteBuffer.wrap(d).order(java.nio.ByteOrder.LITTLE_ENDIAN).putInt(0, NtStatus.SUCCESS)
                    .putInt(4, share.maximalAccess());
            last = CreateContexts.append(b, CreateContexts.MAXIMAL_ACCESS, d);
        }
        if (contexts.containsKey(CreateContexts.QUERY_ON_DISK_ID)) {
            byte[] d = new byte[32];
            ByteBuffer.wrap(d).order(java.nio.ByteOrder.LITTLE_ENDIAN).putLong(0, attr.fileId())
                    .putLong(8, share.name().hashCode() & 0xFFFFFFFFL);
            b.writeZero((8 - (b.writerIndex() & 7)) & 7);
            int start = CreateContexts.append(b, CreateContexts.QUERY_ON_DISK_ID, d);
            if (last >= 0) {
                b.setIntLE(last, start - last);
            }
            last = start;
        }
        if (lease != null) { // [MS-SMB2] 2.2.14.2.10, 2.2.14.2.11 SMB2_CREATE_RESPONSE_LEASE(_V2)
            b.writeZero((8 - (b.writerIndex() & 7)) & 7);
            int start = CreateContexts.append(b, SmbLeases.REQUEST_LEASE, lease);
            if (last >= 0) {
                b.setIntLE(last, start - last);
            }
        }
        return b;
    }

    /** The lock-manager owner of an open: its session and open id. */
    static LockOwner owner(Session s, long openId) {
        // one namespace per open: an oplock is the open's own, any other open breaks it
        return new LockOwner("smb/" + Long.toHexString(s.id) + "/" + openId, "open");
    }

    /** Takes a share reservation for an open with data access; -1 when it takes none. */
    /**
     * A share reservation in the VFS lock manager for {@code access} rights with the CREATE ShareAccess bits
     * {@code shareAccess} (1 read, 2 write, 4 delete); -1 when the access takes none (attribute-only opens do
     * not take part in sharing); SHARING_VIOLATION on a conflict.
     */
    static long reserve(Vfs vfs, long fileId, LockOwner owner, int access, int shareAccess)
            throws SmbProtocolException {
        java.util.concurrent.CompletableFuture<ShareResult> f = reserveAsync(vfs, fileId, owner, access, shareAccess,
                null);
        if (f == null) {
            return -1;
        }
        try {
            return shareId(f.get());
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new SmbProtocolException(NtStatus.CANCELLED, "interrupted");
        } catch (ExecutionException e) {
            throw new IllegalStateException(e.getCause());
        }
    }

    /** {@link #reserve} that may still wait for lease breaks: null when the access takes no reservation. */
    static java.util.concurrent.CompletableFuture<ShareResult> reserveAsync(Vfs vfs, long fileId, LockOwner owner,
            int access, int shareAccess, BreakIntent intent) {
        Set<ShareAccess> a = shareAccess(access);
        if (a.isEmpty()) {
            return null;
        }
        Set<ShareAccess> deny = shareDeny(shareAccess);
        return intent == null ? vfs.locks().openShare(fileId, owner, a, deny)
                : vfs.locks().openShare(fileId, owner, a, deny, intent);
    }

    /** Whether an open for {@code access} with {@code shareAccess} is compatible with every open of the file. */
    private static boolean shareCompatible(Vfs vfs, long fileId, int access, int shareAccess) {
        Set<ShareAccess> a = shareAccess(access);
        if (a.isEmpty()) {
            return true;
        }
        Set<ShareAccess> deny = shareDeny(shareAccess);
        return vfs.locks().shares(fileId).stream().allMatch(r -> r.compatibleWith(a, deny));
    }

    /** The share-reservation access of CREATE's DesiredAccess (empty for attribute-only opens). */
    private static Set<ShareAccess> shareAccess(int access) {
        Set<ShareAccess> a = EnumSet.noneOf(ShareAccess.class);
        if (AccessRights.any(access, AccessRights.FILE_READ_DATA | AccessRights.FILE_EXECUTE)) {
            a.add(ShareAccess.READ);
        }
        if (AccessRights.any(access, AccessRights.FILE_WRITE_DATA | AccessRights.FILE_APPEND_DATA)) {
            a.add(ShareAccess.WRITE);
        }
        if (AccessRights.any(access, AccessRights.DELETE)) {
            a.add(ShareAccess.DELETE);
        }
        return a;
    }

    /** The share-reservation deny bits of CREATE's ShareAccess (1 read, 2 write, 4 delete). */
    private static Set<ShareAccess> shareDeny(int shareAccess) {
        Set<ShareAccess> deny = EnumSet.allOf(ShareAccess.class);
        if ((shareAccess & 1) != 0) {
            deny.remove(ShareAccess.READ);
        }
        if ((shareAccess & 2) != 0) {
            deny.remove(ShareAccess.WRITE);
        }
        if ((shareAccess & 4) != 0) {
            deny.remove(ShareAccess.DELETE);
        }
        return deny;
    }

    /**
     * [MS-SMB2] 3.3.5.10 CLOSE. Data this open wrote UNSTABLE is committed first (durable per the mount's policy, as
     * by FLUSH): a client that closes without FLUSH — the Linux cifs client, Windows without FlushFileBuffers —
     * still has its data survive a crash of the gateway once the CLOSE is answered. If that commit fails, the open
     * is closed all the same and the failure is the reply.
     */
    int close(Exchange x) throws SmbProtocolException, VfsException {
        Request r = x.req;
        r.expectStructure(24);
        Open o = x.open(8);
        VfsException notDurable = null;
        if (!o.directory && o.unflushed) {
            try {
                o.unflushed = false;
                o.tree.share().vfs().commit(caller(x), o.handle);
            } catch (VfsException e) {
                notDurable = e;
            }
        }
        int flags = r.body16(2);
        Attr attr = null;
        if ((flags & 1) != 0) {
            try {
                attr = o.tree.share().vfs().getattr(caller(x), o.handle);
            } catch (VfsException e) {
                attr = null;
            }
        }
        release(x.session, o);
        if (notDurable != null) {
            throw notDurable;
        }
        ByteBuf out = x.out;
        out.writeShortLE(60).writeShortLE(attr == null ? 0 : 1).writeIntLE(0);
        if (attr == null) {
            out.writeZero(52);
        } else {
            FileInfo.times(out, attr);
            out.writeLongLE(FileInfo.allocation(attr));
            out.writeLongLE(o.directory ? 0 : attr.size());
            out.writeIntLE(FileInfo.attributes(attr));
        }
        return NtStatus.SUCCESS;
    }

    /**
     * Forgets an open: its share reservation, its byte-range locks (granted or awaited), its oplock or lease. A
     * delete-on-close open marks its file delete-pending first ([MS-FSA] 2.1.5.4); the VFS removes a
     * delete-pending file when its last open, of any protocol, closes.
     */
    void release(Session s, Open o) {
        if (s.opens.remove(o.id) == null) {
            return;
        }
        DirNotify notify;
        synchronized (o) {
            notify = o.notify;
        }
        if (notify != null) {
            notify.close();
        }
        Vfs vfs = o.tree.share().vfs();
        long fileId = o.handle.fileId();
        if (o.deleteOnClose && o.shareId >= 0) {
            try {
                vfs.setDeletePending(s.user.caller(), o.handle, o.shareId, true);
            } catch (VfsException e) {
                LOG.debug("delete-on-close of {} refused: {}", o.path, e.status());
            }
        }
        if (o.directory && vfs.locks().isDeletePending(fileId)) {
            // [MS-FSA] 2.1.5.4: closing an open of a delete-pending directory completes its pending notifies
            DirNotify.deletePending(server.nodes().opens(fileId));
        }
        server.nodes().closed(fileId, o);
        if (o.shareId >= 0) {
            vfs.locks().close(fileId, o.shareId); // the last close of a delete-pending file removes it
        }
        server.leases().release(o);
        Oplocks.release(o); // after the reservation: an open waiting for the break must find the handle closed
        if (o.mayHoldLocks) {
            vfs.locks().releaseOwner(o.owner);
        }
    }

    int flush(Exchange x) throws SmbProtocolException, VfsException {
        x.req.expectStructure(24);
        Open o = x.open(8);
        if (!o.directory) {
            boolean was = o.unflushed;
            o.unflushed = false;
            try {
                o.tree.share().vfs().commit(caller(x), o.handle);
            } catch (VfsException e) {
                o.unflushed |= was;
                throw e;
            }
        }
        x.out.writeShortLE(4).writeShortLE(0);
        return NtStatus.SUCCESS;
    }

    /** [MS-SMB2] 3.3.5.2.5: a READ or WRITE of more than 64 KiB must be paid for with its CreditCharge. */
    private static void checkCharge(Exchange x, long bytes) throws SmbProtocolException {
        if (x.conn.dialect == Dialect.SMB_2_0_2) {
            return;
        }
        long needed = Math.max(1, (bytes + 65535) / 65536);
        if (Math.max(1, x.header().creditCharge) < needed) {
            throw SmbProtocolException.invalid("CreditCharge " + x.header().creditCharge + " for " + bytes);
        }
    }

    int read(Exchange x) throws SmbProtocolException, VfsException {
        Request r = x.req;
        r.expectStructure(49);
        long length = r.bodyU32(4);
        long offset = r.body64(8);
        Open o = x.open(16);
        long minimum = r.bodyU32(32);
        if (length > server.settings().maxIoBytes() || offset < 0) {
            return NtStatus.INVALID_PARAMETER;
        }
        checkCharge(x, length);
        if (o.directory) {
            return NtStatus.INVALID_DEVICE_REQUEST;
        }
        if (!AccessRights.any(AccessRights.granted(o.access),
                AccessRights.FILE_READ_DATA | AccessRights.FILE_EXECUTE)) {
            return NtStatus.ACCESS_DENIED; // [MS-FSA] 2.1.5.2
        }
        Vfs vfs = o.tree.share().vfs();
        int conflict = ioConflict(vfs, o, offset, length, false);
        if (conflict != NtStatus.SUCCESS) {
            return conflict;
        }
        // the data goes straight into the response after its 16-byte READ header: one copy, no staging buffer
        ByteBuf out = x.out;
        int header = out.writerIndex();
        out.ensureWritable(16 + (int) length);
        ByteBuffer dst = out.nioBuffer(header + 16, (int) length);
        while (dst.hasRemaining()) {
            int before = dst.position();
            var res = vfs.read(caller(x), o.handle, offset + before, dst);
            if (dst.position() == before && res.count() > 0) {
                dst.position(before + res.count());
            }
            if (res.count() == 0 || res.eof()) {
                break;
            }
        }
        int n = dst.position();
        if ((n == 0 && length > 0) || n < minimum) {
            return NtStatus.END_OF_FILE;
        }
        o.position = offset + n;
        out.writeShortLE(17).writeByte(80).writeByte(0).writeIntLE(n).writeIntLE(0).writeIntLE(0);
        out.writerIndex(header + 16 + n);
        return NtStatus.SUCCESS;
    }

    int write(Exchange x) throws SmbProtocolException, VfsException {
        Request r = x.req;
        r.expectStructure(49);
        int dataOffset = r.body16(2);
        long length = r.bodyU32(4);
        long offset = r.body64(8);
        Open o = x.open(16);
        int flags = r.body32(44);
        if (length > server.settings().maxIoBytes() || offset < 0) {
            return NtStatus.INVALID_PARAMETER;
        }
        checkCharge(x, length);
        if (o.directory) {
            return NtStatus.INVALID_DEVICE_REQUEST;
        }
        if (!AccessRights.any(AccessRights.granted(o.access),
                AccessRights.FILE_WRITE_DATA | AccessRights.FILE_APPEND_DATA)) {
            return NtStatus.ACCESS_DENIED; // [MS-FSA] 2.1.5.3
        }
        ByteBuffer src = r.slice(dataOffset, length).nioBuffer();
        Vfs vfs = o.tree.share().vfs();
        int conflict = ioConflict(vfs, o, offset, length, true);
        if (conflict != NtStatus.SUCCESS) {
            return conflict;
        }
        // [MS-SMB2] 2.2.21 SMB2_WRITEFLAG_WRITE_THROUGH, or an open in write-through mode
        boolean through = (flags & 1) != 0 || (o.mode & FileInfo.MODE_WRITE_THROUGH) != 0;
        Stability stability = through ? Stability.FILE_SYNC : Stability.UNSTABLE;
        Oplocks.breakForWrite(o);
        Attr before = vfs.getattr(caller(x), o.handle);
        if (!through) {
            o.unflushed = true; // before the write: a CLOSE racing it commits too much rather than too little
        }
        vfs.write(caller(x), o.handle, offset, src, stability);
        noteModified(vfs, caller(x), o, before);
        ByteBuf out = x.out;
        out.writeShortLE(17).writeShortLE(0).writeIntLE((int) length).writeIntLE(0).writeShortLE(0).writeShortLE(0);
        return NtStatus.SUCCESS;
    }

    /**
     * [MS-FSA] 2.1.4.17 after data changed through an open: the file gets ARCHIVE, and if the client set (or
     * froze) the last write or change time through this open, those times go back to what they were
     * {@code before} the change.
     */
    static void noteModified(Vfs vfs, Caller c, Open o, Attr before) throws VfsException {
        SetAttr keep = SetAttr.NONE;
        if ((before.dosAttributes() & DosAttributes.ARCHIVE) == 0) {
            keep = keep.withDosAttributes(before.dosAttributes() | DosAttributes.ARCHIVE);
        }
        if (o.frozenWriteTime) {
            keep = keep.withTimes(null, before.mtime());
        }
        if (o.frozenChangeTime) {
            keep = keep.withCtime(before.ctime());
        }
        if (!keep.isEmpty()) {
            vfs.setattr(c, o.handle, keep, null);
        }
    }

    /**
     * [MS-SMB2] 3.3.5.12/3.3.5.13 with [MS-FSA] 2.1.4.10: a READ or WRITE overlapping a byte-range lock of
     * another owner (another open, or an NFS lock owner) that forbids it is STATUS_FILE_LOCK_CONFLICT.
     */
    private static int ioConflict(Vfs vfs, Open o, long offset, long length, boolean write) {
        LockResult res = vfs.locks().checkIo(o.handle.fileId(), o.owner, offset, length, write);
        if (res.isSuccess()) {
            return NtStatus.SUCCESS;
        }
        LOG.debug("SMB {} of {} at {}+{}: {}", write ? "WRITE" : "READ", o.path, offset, length, res.status());
        return SmbStatus.of(res.status());
    }
}
