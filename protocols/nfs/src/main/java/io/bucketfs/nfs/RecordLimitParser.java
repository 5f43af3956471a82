package io.bucketfs.nfs;

import java.io.IOException;
import org.dcache.oncrpc4j.rpc.RpcMessageParserTCP;
import org.glassfish.grizzly.Buffer;
import org.glassfish.grizzly.filterchain.FilterChainContext;
import org.glassfish.grizzly.filterchain.NextAction;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * RFC 5531 11 record marking with a size limit: before oncrpc4j's parser assembles a record, the fragment headers
 * received so far are summed, and a record that would exceed {@code maxRecordBytes} closes the connection at once
 * (nothing of it is buffered beyond what already arrived). Runs on the I/O thread; never blocks.
 */
final class RecordLimitParser extends RpcMessageParserTCP {

    private static final Logger LOG = LoggerFactory.getLogger(RecordLimitParser.class);

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
        return super.handleRead(ctx);
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
