package io.bucketfs.nfs;

import java.io.IOException;
import org.dcache.oncrpc4j.rpc.RpcMessageParserTCP;
import org.dcache.oncrpc4j.xdr.Xdr;
import org.glassfish.grizzly.Buffer;
import org.glassfish.grizzly.filterchain.FilterChainContext;
import org.glassfish.grizzly.filterchain.NextAction;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * RFC 5531 11 record marking with a size limit: before oncrpc4j's parser assembles a record, the fragment headers
 * received so far are summed, and a record that would exceed {@code maxRecordBytes} closes the connection at once
 * (nothing of it is buffered beyond what already arrived). Runs on the I/O thread; never blocks.
 *
 * <p>A complete record is then checked before oncrpc4j decodes its header: oncrpc4j allocates the credential's and
 * verifier's variable-length fields at the size their length fields announce before it looks at how many bytes
 * the record has, so a 60-byte call announcing a 2 GiB verifier would allocate 2 GiB. {@link #authWithinLimits}
 * holds the header to RFC 5531's limits (an {@code opaque_auth} body of at most {@value #MAX_AUTH_BYTES} bytes,
 * section 8.2; AUTH_SYS's machine name of at most {@value #MAX_MACHINE_NAME} bytes and at most
 * {@value #MAX_GIDS} extra groups, appendix A), each also within the record; a record outside them closes the
 * connection like an oversized one.
 */
final class RecordLimitParser extends RpcMessageParserTCP {

    private static final Logger LOG = LoggerFactory.getLogger(RecordLimitParser.class);

    /** RFC 5531 section 8.2: {@code opaque body<MAX_AUTH_BYTES>} of an {@code opaque_auth}. */
    static final int MAX_AUTH_BYTES = 400;
    /** RFC 5531 appendix A: {@code string machinename<255>} of AUTH_SYS. */
    static final int MAX_MACHINE_NAME = 255;
    /** RFC 5531 appendix A: {@code unsigned int gids<16>} of AUTH_SYS. */
    static final int MAX_GIDS = 16;
    private static final int AUTH_SYS = 1;
    private static final int RPCSEC_GSS = 6;

    private final int maxRecordBytes;

    RecordLimitParser(int maxRecordBytes) {
        this.maxRecordBytes = maxRecordBytes;
    }

    @Override
    public NextAction handleRead(FilterChainContext ctx) throws IOException {
        Buffer b = ctx.getMessage();
        if (b != null) {
            long size = recordSize(b);
            if (size > maxRecordBytes) {
                LOG.warn("RPC record of at least {} bytes from {} is over the limit of {}: closing the connection",
                        size, ctx.getConnection().getPeerAddress(), maxRecordBytes);
                ctx.getConnection().closeSilently();
                return ctx.getStopAction();
            }
        }
        NextAction next = super.handleRead(ctx);
        if (ctx.getMessage() instanceof Xdr record && !authWithinLimits(record.asBuffer())) {
            LOG.warn("RPC record from {} has a credential or verifier outside RFC 5531's limits: closing the "
                    + "connection", ctx.getConnection().getPeerAddress());
            ctx.getConnection().closeSilently();
            return ctx.getStopAction();
        }
        return next;
    }

    /**
     * Whether the credential and verifier of the RPC message at {@code b}'s position (not moved) are within the
     * limits above and within the message, read in the order oncrpc4j reads them. A message that ends before a
     * length field passes: oncrpc4j then fails on the missing field without allocating.
     */
    static boolean authWithinLimits(Buffer b) {
        Cursor c = new Cursor(b);
        if (!c.skip(4) || !c.has(4)) {
            return true;
        }
        int type = c.next();
        if (type == 0) { // CALL: rpcvers, prog, vers, proc, cred, verf
            if (!c.skip(16) || !c.has(4)) {
                return true;
            }
            Boolean cred = credentialWithinLimits(c, c.next());
            if (cred != null) {
                return cred;
            }
        } else if (!c.has(4) || c.next() != 0) { // not a REPLY with MSG_ACCEPTED (which has a verifier)
            return true;
        }
        return !c.has(4) || c.skip(4) && c.opaque(MAX_AUTH_BYTES) != Boolean.FALSE;
    }

    /** The credential body after its flavor: false outside the limits, true if it ends early, null to go on. */
    private static Boolean credentialWithinLimits(Cursor c, int flavor) {
        if (flavor == AUTH_SYS || flavor == RPCSEC_GSS) {
            if (!c.has(4)) {
                return true;
            }
            int length = c.next();
            if (length < 0 || length > MAX_AUTH_BYTES) {
                return false;
            }
            Boolean inner = flavor == AUTH_SYS
                    ? c.skip(4) ? c.opaque(MAX_MACHINE_NAME) : Boolean.TRUE // stamp, machinename
                    : c.skip(16) ? c.opaque(MAX_AUTH_BYTES) : Boolean.TRUE; // version..service, handle
            if (inner != null) {
                return inner;
            }
            if (flavor == RPCSEC_GSS) {
                return null; // oncrpc4j reads the verifier right after the handle, whatever the length said
            }
            if (!c.skip(8) || !c.has(4)) { // uid, gid
                return true;
            }
            int gids = c.next();
            if (gids < 0 || gids > MAX_GIDS) {
                return false;
            }
            return c.skip(4 * gids) ? null : Boolean.TRUE;
        }
        return c.opaque(MAX_AUTH_BYTES);
    }

    /** Big-endian words of a buffer from its position to its limit. */
    private static final class Cursor {
        final Buffer b;
        final int end;
        int pos;

        Cursor(Buffer b) {
            this.b = b;
            this.pos = b.position();
            this.end = b.limit();
        }

        boolean has(int n) {
            return n >= 0 && end - pos >= n;
        }

        int next() {
            int v = b.getInt(pos);
            pos += 4;
            return v;
        }

        boolean skip(int n) {
            if (!has(n)) {
                return false;
            }
            pos += n;
            return true;
        }

        /** A variable-length opaque of at most {@code limit} bytes: false if longer, true if it ends early. */
        Boolean opaque(int limit) {
            if (!has(4)) {
                return true;
            }
            int n = next();
            if (n < 0 || n > limit || n > end - pos) {
                return false;
            }
            return skip(pad(n)) ? null : Boolean.TRUE;
        }
    }

    private static int pad(int length) {
        return (length + 3) & ~3;
    }

    /** The sum of the fragment sizes announced so far for the record at the buffer's position. */
    static long recordSize(Buffer b) {
        long total = 0;
        int pos = b.position();
        while (b.limit() - pos >= 4) {
            int marker = b.getInt(pos);
            total += marker & RPC_SIZE_MASK;
            if ((marker & RPC_LAST_FRAG) != 0) {
                break;
            }
            pos += 4 + (marker & RPC_SIZE_MASK);
            if (pos < 0) {
                break;
            }
        }
        return total;
    }
}
