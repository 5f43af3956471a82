package io.bucketfs.nfs;

import java.io.IOException;
import java.util.concurrent.atomic.AtomicInteger;
import org.glassfish.grizzly.filterchain.BaseFilter;
import org.glassfish.grizzly.filterchain.FilterChainContext;
import org.glassfish.grizzly.filterchain.NextAction;

/**
 * A filter of the server's chain counting the client connections open now: one more for each accepted, one less
 * for each closed (by either side). Lets tests check that hostile clients leak no connection
 * ({@link NfsServer#openConnections()}).
 */
final class ConnectionCounter extends BaseFilter {

    private final AtomicInteger open = new AtomicInteger();

    @Override
    public NextAction handleAccept(FilterChainContext ctx) throws IOException {
        open.incrementAndGet();
        return ctx.getInvokeAction();
    }

    @Override
    public NextAction handleClose(FilterChainContext ctx) throws IOException {
        open.decrementAndGet();
        return ctx.getInvokeAction();
    }

    int open() {
        return open.get();
    }
}
