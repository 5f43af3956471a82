package io.bucketfs.smb.server;

import io.bucketfs.smb.mssmb2.NtStatus;
import io.bucketfs.smb.mssmb2.Request;
import io.bucketfs.smb.mssmb2.Smb2Header;
import io.bucketfs.smb.mssmb2.SmbProtocolException;
import io.bucketfs.vfs.lock.LockFlavor;
import io.bucketfs.vfs.lock.LockManager;
import io.bucketfs.vfs.lock.LockResult;
import io.bucketfs.vfs.lock.LockStatus;
import io.bucketfs.vfs.lock.LockType;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.concurrent.atomic.AtomicBoolean;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * [MS-SMB2] 3.3.5.14 LOCK over the VFS lock manager, so SMB byte-range locks and NFS (POSIX) locks conflict
 * with each other. Locks are {@link LockFlavor#SMB} and belong to the {@link Open} ({@link Open#owner}); they
 * go when the open is closed, its tree disconnected, its session logged off or its connection lost
 * ({@link FileCommands#release}).
 *
 * <h2>Blocking locks</h2>
 * A single lock element without FAIL_IMMEDIATELY that cannot be granted at once joins the lock manager's FIFO
 * queue and the request is answered with an interim STATUS_PENDING response carrying an AsyncId
 * ([MS-SMB2] 3.3.4.2); the worker moves on. The final response follows when the lock is granted (SUCCESS),
 * when CANCEL names the request (STATUS_CANCELLED), or when the open goes (closed, logged off,
 * disconnected: STATUS_RANGE_NOT_LOCKED, as Windows answers; nothing stays locked). A single FAIL_IMMEDIATELY
 * element whose decision waits for the lease breaks the lock manager started (a holder has
 * {@link LockManager#DEFAULT_BREAK_TIMEOUT_MILLIS} to acknowledge) goes async the same way, bounded by
 * {@link #LEASE_BREAK_WAIT_MILLIS}. Inside a compound that continues after the LOCK, and for several
 * FAIL_IMMEDIATELY elements, the request is not made async: it waits on the worker, a blocking element for at
 * most {@link #BLOCKING_WAIT_MILLIS} (then STATUS_LOCK_NOT_GRANTED), lease breaks for at most
 * {@link #LEASE_BREAK_WAIT_MILLIS}. LockSequenceNumber/Index (resilient and durable handles) is not modelled.
 */
final class LockCommands {
    private static final Logger LOG = LoggerFactory.getLogger(LockCommands.class);
    // [MS-SMB2] 2.2.26.1 SMB2_LOCK_ELEMENT Flags
    static final int SHARED = 0x1;
    static final int EXCLUSIVE = 0x2;
    static final int UNLOCK = 0x4;
    static final int FAIL_IMMEDIATELY = 0x10;
    /** How long a blocking lock element waits for a conflicting lock to go before LOCK_NOT_GRANTED. */
    static final long BLOCKING_WAIT_MILLIS = 1_000;
    /**
     * How long a FAIL_IMMEDIATELY element may wait for lease breaks the lock manager performs before it
     * decides (a lease holder has {@link LockManager#DEFAULT_BREAK_TIMEOUT_MILLIS} to answer).
     */
    static final long LEASE_BREAK_WAIT_MILLIS = LockManager.DEFAULT_BREAK_TIMEOUT_MILLIS + 5_000;
    private static final int ELEMENT_SIZE = 24;
    private static final int LOCKS_OFFSET = 24;
    /** [MS-SMB2] 2.2.27 LOCK Response body: StructureSize 4, Reserved. */
    private static final byte[] LOCK_RESPONSE = {4, 0, 0, 0};

    private record Element(long offset, long length, int flags) {
    }

    int lock(Exchange x) throws SmbProtocolException {
        Request r = x.req;
        r.expectStructure(48);
        int count = r.body16(2);
        Open o = x.open(8);
        if (count == 0) {
            return NtStatus.INVALID_PARAMETER;
        }
        List<Element> elements = new ArrayList<>(count);
        for (int i = 0; i < count; i++) {
            int at = LOCKS_OFFSET + i * ELEMENT_SIZE;
            elements.add(new Element(r.body64(at), r.body64(at + 8), r.body32(at + 16)));
        }
        LockManager locks = FileCommands.vfs(o.tree).locks();
        if (o.directory) {
            return NtStatus.INVALID_DEVICE_REQUEST;
        }
        int status = (elements.get(0).flags() & UNLOCK) != 0 ? unlock(locks, o, elements)
                : lock(x, locks, o, elements);
        if (status == NtStatus.SUCCESS) {
            x.out.writeBytes(LOCK_RESPONSE);
        }
        return status;
    }

    /** 3.3.5.14.1: every element must be an UNLOCK; stops at the first failure, earlier unlocks stay done. */
    private static int unlock(LockManager locks, Open o, List<Element> elements) {
        for (Element e : elements) {
            if (e.flags() != UNLOCK) {
                return NtStatus.INVALID_PARAMETER;
            }
            LockResult res = locks.unlock(o.handle.fileId(), o.owner, LockFlavor.SMB, e.offset(), e.length());
            if (!res.isSuccess()) {
                LOG.debug("SMB unlock {}+{} of {}: {}", Long.toUnsignedString(e.offset()),
                        Long.toUnsignedString(e.length()), o.path, res.status());
                return SmbStatus.of(res.status());
            }
        }
        return NtStatus.SUCCESS;
    }

    /**
     * 3.3.5.14.2: several elements must all be FAIL_IMMEDIATELY; a failing element undoes the locks this
     * request already took.
     */
    private static int lock(Exchange x, LockManager locks, Open o, List<Element> elements) {
        if (elements.size() > 1) {
            for (Element e : elements) {
                if ((e.flags() & FAIL_IMMEDIATELY) == 0) {
                    return NtStatus.INVALID_PARAMETER;
                }
            }
        }
        long fileId = o.handle.fileId();
        Oplocks.breakOwnLevelTwo(o); // [MS-FSA]: a byte-range lock breaks every LEVEL_II oplock
        List<Element> taken = new ArrayList<>();
        int status = NtStatus.SUCCESS;
        for (Element e : elements) {
            int kind = e.flags() & ~FAIL_IMMEDIATELY;
            if (kind != SHARED && kind != EXCLUSIVE) {
                status = NtStatus.INVALID_PARAMETER;
                break;
            }
            o.mayHoldLocks = true;
            boolean wait = (e.flags() & FAIL_IMMEDIATELY) == 0;
            LockType type = kind == SHARED ? LockType.READ : LockType.WRITE;
            CompletableFuture<LockResult> f =
                    locks.lock(fileId, o.owner, LockFlavor.SMB, type, e.offset(), e.length(), wait);
            if (!f.isDone() && x.header().nextCommand == 0 && elements.size() == 1) {
                // a blocking lock waiting for a conflicting one, or a FAIL_IMMEDIATELY one waiting for the lease
                // breaks the lock manager started: answered later, so no worker waits with it
                return goAsync(x, locks, o, f, wait ? 0 : LEASE_BREAK_WAIT_MILLIS);
            }
            LockStatus res = await(f, wait ? BLOCKING_WAIT_MILLIS : LEASE_BREAK_WAIT_MILLIS);
            if (res != LockStatus.GRANTED) {
                LOG.debug("SMB lock {} {}+{} of {}: {}", type, Long.toUnsignedString(e.offset()),
                        Long.toUnsignedString(e.length()), o.path, res);
                status = SmbStatus.of(res);
                break;
            }
            taken.add(e);
        }
        if (status != NtStatus.SUCCESS) {
            for (Element e : taken) {
                locks.unlock(fileId, o.owner, LockFlavor.SMB, e.offset(), e.length());
            }
            return status;
        }
        if (!x.session.opens.containsKey(o.id)) {
            // closed meanwhile (the connection went away while we waited): what we took must not outlive it
            locks.releaseOwner(o.owner);
            return NtStatus.FILE_CLOSED;
        }
        return NtStatus.SUCCESS;
    }

    /**
     * Answers STATUS_PENDING now and the final status once {@code f} completes; the completion is hooked up
     * only after the interim response went out, so the final one never overtakes it.
     *
     * @param timeoutMillis when positive, a request still undecided after it is withdrawn and answered as a
     *     conflict (LOCK_NOT_GRANTED): the bound of a FAIL_IMMEDIATELY element waiting for lease breaks
     */
    private static int goAsync(Exchange x, LockManager locks, Open o, CompletableFuture<LockResult> f,
            long timeoutMillis) {
        SmbConnection conn = x.conn;
        AtomicBoolean timedOut = new AtomicBoolean();
        if (timeoutMillis > 0) {
            CompletableFuture.delayedExecutor(timeoutMillis, TimeUnit.MILLISECONDS).execute(() -> {
                timedOut.set(true);
                f.cancel(false);
            });
        }
        long asyncId = conn.newAsyncId();
        x.asyncId = asyncId;
        Smb2Header request = x.header();
        Session s = x.session;
        Session encryptedBy = x.encryptedBy;
        conn.asyncRequests.put(asyncId, new SmbConnection.AsyncRequest(request.messageId, s.id,
                () -> f.cancel(false)));
        x.afterSend = () -> f.whenComplete((res, err) -> {
            LockStatus st = err == null ? res.status() : timedOut.get() ? LockStatus.DENIED : LockStatus.CANCELLED;
            boolean closed = !s.opens.containsKey(o.id);
            if (st == LockStatus.GRANTED && closed) {
                locks.releaseOwner(o.owner);
                st = LockStatus.CANCELLED;
            }
            // withdrawn because its open went (CLOSE, TREE_DISCONNECT, LOGOFF) rather than by CANCEL: as
            // Windows, STATUS_RANGE_NOT_LOCKED
            int status = st == LockStatus.CANCELLED && closed ? NtStatus.RANGE_NOT_LOCKED : SmbStatus.of(st);
            LOG.debug("SMB blocking lock of {} (async {}): {}", o.path, asyncId, st);
            conn.sendFinal(request, asyncId, s, encryptedBy, status, LOCK_RESPONSE);
        });
        LOG.debug("SMB blocking lock of {} pending (async {})", o.path, asyncId);
        return NtStatus.PENDING;
    }

    /**
     * The outcome of a lock request, waiting at most {@code millis}: a request still undecided then is
     * withdrawn (DENIED, the answer a conflict gets), unless it was granted in the meantime.
     */
    private static LockStatus await(CompletableFuture<LockResult> f, long millis) {
        try {
            return f.get(millis, TimeUnit.MILLISECONDS).status();
        } catch (TimeoutException e) {
            return f.cancel(false) ? LockStatus.DENIED : f.join().status();
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return f.cancel(false) ? LockStatus.CANCELLED : f.join().status();
        } catch (ExecutionException e) {
            throw new IllegalStateException(e.getCause());
        }
    }
}
