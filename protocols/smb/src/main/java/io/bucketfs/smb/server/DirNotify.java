package io.bucketfs.smb.server;

import io.bucketfs.smb.mssmb2.NtStatus;
import io.bucketfs.smb.mssmb2.Smb2Header;
import io.bucketfs.vfs.watch.ChangeFilter;
import io.bucketfs.vfs.watch.DirChange;
import io.bucketfs.vfs.watch.DirWatches;
import io.netty.buffer.ByteBuf;
import io.netty.buffer.Unpooled;
import java.nio.charset.StandardCharsets;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The change notification state of one directory {@link Open} ([MS-SMB2] 3.3.5.19): its VFS watch, the changes
 * that arrived while no CHANGE_NOTIFY was pending (at most {@link #MAX_BUFFERED}; more, or more than a request's
 * OutputBufferLength holds, is answered STATUS_NOTIFY_ENUM_DIR: the client re-reads the directory), and the
 * pending request. A pending request completes {@link #BATCH_MILLIS} after the first change, so changes made in
 * a burst share one response; CANCEL answers it STATUS_CANCELLED, closing the open STATUS_NOTIFY_CLEANUP.
 */
final class DirNotify {
    private static final Logger LOG = LoggerFactory.getLogger(DirNotify.class);
    /** The changes kept for the next request; beyond, the next request answers STATUS_NOTIFY_ENUM_DIR. */
    static final int MAX_BUFFERED = 512;
    /** How long a pending request waits after a change for more, so one response carries a burst. */
    static final long BATCH_MILLIS = 10;
    // [MS-SMB2] 2.2.35 CompletionFilter bits, [MS-FSCC] 2.7.1 Action values
    static final int FILE_NOTIFY_CHANGE_FILE_NAME = 0x1;
    static final int FILE_NOTIFY_CHANGE_DIR_NAME = 0x2;
    static final int FILE_NOTIFY_CHANGE_ATTRIBUTES = 0x4;
    static final int FILE_NOTIFY_CHANGE_SIZE = 0x8;
    static final int FILE_NOTIFY_CHANGE_LAST_WRITE = 0x10;
    static final int FILE_NOTIFY_CHANGE_LAST_ACCESS = 0x20;
    static final int FILE_NOTIFY_CHANGE_CREATION = 0x40;
    static final int FILE_NOTIFY_CHANGE_SECURITY = 0x100;
    /** 2.2.36 response body without its buffer: StructureSize 9, OutputBufferOffset, OutputBufferLength. */
    private static final int RESPONSE_FIXED = 8;

    private record Pending(Smb2Header request, long asyncId, Session session, Session encryptedBy, int outputLength,
                           SmbConnection conn) {
    }

    private final Open open;
    private final DirWatches.Watch watch;
    private final ArrayDeque<DirChange> buffered = new ArrayDeque<>();
    // guarded by this
    private int filter;
    private boolean overflowed;
    private boolean closed;
    private boolean flushScheduled;
    private boolean deletePending;
    /** The first request's OutputBufferLength, or -1. */
    private int bufferSize = -1;
    private Pending pending;

    private DirNotify(Open open, boolean tree) {
        this.open = open;
        this.watch = open.tree.share().vfs().watches().watch(open.handle.fileId(), tree, this::changed);
    }

    /** The open's notification state, made (watching) by its first CHANGE_NOTIFY; null once the open is closed. */
    static DirNotify of(Open o, Session s, boolean tree) {
        synchronized (o) {
            if (o.notify == null) {
                if (!s.opens.containsKey(o.id)) {
                    return null;
                }
                o.notify = new DirNotify(o, tree);
            }
            return o.notify;
        }
    }

    /**
     * Answers a CHANGE_NOTIFY: at once with the buffered changes, else STATUS_PENDING (3.3.4.2). A request that
     * would wait but is followed by more of its compound answers STATUS_INTERNAL_ERROR, as Windows does
     * ([MS-SMB2] 3.3.4.2 &lt;159&gt;, &lt;162&gt;). The first request's OutputBufferLength bounds every response on
     * the open, as on Windows (a later, larger one does not raise it).
     */
    int request(Exchange x, int completionFilter, int outputLength, boolean mayGoAsync) {
        List<DirChange> ready;
        boolean overflow;
        synchronized (this) {
            if (closed) {
                return NtStatus.NOTIFY_CLEANUP;
            }
            if (deletePending) {
                return NtStatus.DELETE_PENDING;
            }
            if (bufferSize < 0) {
                bufferSize = outputLength;
            }
            outputLength = Math.min(outputLength, bufferSize);
            if (pending != null) {
                // one pending request per open: a second is refused (Windows would queue it)
                return NtStatus.INVALID_PARAMETER;
            }
            filter = completionFilter;
            if (buffered.isEmpty() && !overflowed) {
                if (!mayGoAsync) {
                    return NtStatus.INTERNAL_ERROR;
                }
                SmbConnection conn = x.conn;
                long asyncId = conn.newAsyncId();
                x.asyncId = asyncId;
                Pending p = new Pending(x.header(), asyncId, x.session, x.encryptedBy, outputLength, conn);
                conn.asyncRequests.put(asyncId, new SmbConnection.AsyncRequest(x.header().messageId, x.session.id,
                        () -> finish(p, NtStatus.CANCELLED)));
                // armed only once the interim response went out, so the final one never overtakes it
                x.afterSend = () -> arm(p);
                LOG.debug("CHANGE_NOTIFY on {} pending (async {})", open.path, asyncId);
                return NtStatus.PENDING;
            }
            ready = new ArrayList<>(buffered);
            overflow = overflowed;
            buffered.clear();
            overflowed = false;
        }
        byte[] body = encode(ready, overflow, outputLength);
        x.out.writeBytes(body == null ? emptyBody() : body);
        return body == null ? NtStatus.NOTIFY_ENUM_DIR : NtStatus.SUCCESS;
    }

    /** Makes {@code p} the pending request, unless the open closed or the directory became delete-pending meanwhile. */
    private void arm(Pending p) {
        int status;
        synchronized (this) {
            if (!closed && !deletePending) {
                pending = p;
                if (!buffered.isEmpty() || overflowed) {
                    scheduleFlush(p);
                }
                return;
            }
            status = closed ? NtStatus.NOTIFY_CLEANUP : NtStatus.DELETE_PENDING;
        }
        p.conn().sendFinal(p.request(), p.asyncId(), p.session(), p.encryptedBy(), status,
                status == NtStatus.DELETE_PENDING ? null : emptyBody());
    }

    /** Called by the VFS under its namespace lock: records and returns. */
    private void changed(DirChange c) {
        int want = smbBits(c.what());
        synchronized (this) {
            if (closed || (want & filter) == 0) {
                return;
            }
            if (overflowed) {
                return;
            }
            if (buffered.size() >= MAX_BUFFERED) {
                buffered.clear();
                overflowed = true;
            } else if (!isRepeat(c, buffered.peekLast())) {
                buffered.add(c);
            }
            if (pending != null) {
                scheduleFlush(pending);
            }
        }
    }

    /** Tells the notification state of each of {@code opens} that their directory is delete-pending. */
    static void deletePending(java.util.List<Open> opens) {
        for (Open o : opens) {
            DirNotify n;
            synchronized (o) {
                n = o.notify;
            }
            if (n != null) {
                n.deletePending();
            }
        }
    }

    /** A modification of the name the previous change already reports modified: one entry tells the client. */
    private static boolean isRepeat(DirChange c, DirChange last) {
        return last != null && c.action() == DirChange.Action.MODIFIED && last.action() == DirChange.Action.MODIFIED
                && c.name().equals(last.name());
    }

    /**
     * The directory became delete-pending (another open set delete-on-close and closed): a pending request
     * answers STATUS_DELETE_PENDING, as do later ones.
     */
    void deletePending() {
        Pending p;
        synchronized (this) {
            deletePending = true;
            p = pending;
            pending = null;
        }
        if (p != null) {
            p.conn().sendFinal(p.request(), p.asyncId(), p.session(), p.encryptedBy(), NtStatus.DELETE_PENDING,
                    null);
        }
    }

    private void scheduleFlush(Pending p) {
        if (flushScheduled) {
            return;
        }
        flushScheduled = true;
        p.conn().channel().eventLoop().schedule(() -> flush(p), BATCH_MILLIS, TimeUnit.MILLISECONDS);
    }

    private void flush(Pending p) {
        List<DirChange> ready;
        boolean overflow;
        synchronized (this) {
            flushScheduled = false;
            if (pending != p) {
                return;
            }
            pending = null;
            ready = new ArrayList<>(buffered);
            overflow = overflowed;
            buffered.clear();
            overflowed = false;
        }
        byte[] body = encode(ready, overflow, p.outputLength());
        int status = body == null ? NtStatus.NOTIFY_ENUM_DIR : NtStatus.SUCCESS;
        LOG.debug("CHANGE_NOTIFY on {} (async {}): {} changes, status {}", open.path, p.asyncId(), ready.size(),
                Integer.toHexString(status));
        p.conn().sendFinal(p.request(), p.asyncId(), p.session(), p.encryptedBy(), status,
                body == null ? emptyBody() : body);
    }

    /** Completes the pending request (if {@code p} still is it) with {@code status} and no changes. */
    private void finish(Pending p, int status) {
        synchronized (this) {
            if (pending != p) {
                return; // answered already (armed before the next frame of the connection is read)
            }
            pending = null;
        }
        p.conn().sendFinal(p.request(), p.asyncId(), p.session(), p.encryptedBy(), status, emptyBody());
    }

    /**
     * The open goes (CLOSE, TREE_DISCONNECT, LOGOFF, lost connection): the watch ends, a pending request answers
     * NOTIFY_CLEANUP.
     */
    void close() {
        Pending p;
        synchronized (this) {
            if (closed) {
                return;
            }
            closed = true;
            p = pending;
            pending = null;
            buffered.clear();
        }
        watch.close();
        if (p != null) {
            p.conn().sendFinal(p.request(), p.asyncId(), p.session(), p.encryptedBy(), NtStatus.NOTIFY_CLEANUP,
                    emptyBody());
        }
    }

    /**
     * 2.2.36 response body: the changes as [MS-FSCC] 2.7.1 FILE_NOTIFY_INFORMATION entries (each 4-byte aligned),
     * or null when they overflowed or do not fit {@code outputLength} (the caller answers NOTIFY_ENUM_DIR).
     */
    static byte[] encode(List<DirChange> changes, boolean overflow, int outputLength) {
        if (overflow) {
            return null;
        }
        ByteBuf b = Unpooled.buffer();
        int last = -1;
        for (DirChange c : changes) {
            if (last >= 0) {
                b.setIntLE(last, b.writerIndex() - last);
            }
            last = b.writerIndex();
            byte[] name = c.name().replace('/', '\\').getBytes(StandardCharsets.UTF_16LE);
            b.writeIntLE(0).writeIntLE(action(c.action())).writeIntLE(name.length).writeBytes(name);
            while ((b.writerIndex() & 3) != 0) {
                b.writeByte(0);
            }
        }
        int length = b.writerIndex();
        if (length > outputLength) {
            return null;
        }
        byte[] body = new byte[RESPONSE_FIXED + length];
        ByteBuf out = Unpooled.wrappedBuffer(body).writerIndex(0);
        out.writeShortLE(9).writeShortLE(Smb2Header.SIZE + RESPONSE_FIXED).writeIntLE(length);
        b.readBytes(out, length);
        return body;
    }

    private static byte[] emptyBody() {
        byte[] body = new byte[RESPONSE_FIXED + 1];
        body[0] = 9;
        body[2] = (byte) (Smb2Header.SIZE + RESPONSE_FIXED);
        return body;
    }

    private static int action(DirChange.Action a) {
        return switch (a) {
            case ADDED -> 1;
            case REMOVED -> 2;
            case MODIFIED -> 3;
            case RENAMED_OLD -> 4;
            case RENAMED_NEW -> 5;
        };
    }

    /** The CompletionFilter bits a change matches. */
    static int smbBits(int what) {
        int bits = 0;
        bits |= (what & ChangeFilter.FILE_NAME) != 0 ? FILE_NOTIFY_CHANGE_FILE_NAME : 0;
        bits |= (what & ChangeFilter.DIR_NAME) != 0 ? FILE_NOTIFY_CHANGE_DIR_NAME : 0;
        bits |= (what & ChangeFilter.ATTRIBUTES) != 0 ? FILE_NOTIFY_CHANGE_ATTRIBUTES : 0;
        bits |= (what & ChangeFilter.SIZE) != 0 ? FILE_NOTIFY_CHANGE_SIZE : 0;
        bits |= (what & ChangeFilter.LAST_WRITE) != 0 ? FILE_NOTIFY_CHANGE_LAST_WRITE : 0;
        bits |= (what & ChangeFilter.LAST_ACCESS) != 0 ? FILE_NOTIFY_CHANGE_LAST_ACCESS : 0;
        bits |= (what & ChangeFilter.CREATION) != 0 ? FILE_NOTIFY_CHANGE_CREATION : 0;
        bits |= (what & ChangeFilter.SECURITY) != 0 ? FILE_NOTIFY_CHANGE_SECURITY : 0;
        return bits;
    }
}
