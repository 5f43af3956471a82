package io.bucketfs.nfs;

import io.bucketfs.nfs.export.ExportTable;
import io.bucketfs.nfs.v4.Nfs4Program;
import io.bucketfs.nfs.v4.Nfs4Service;
import java.io.Closeable;
import java.io.IOException;
import java.net.InetSocketAddress;
import java.util.HashMap;
import java.util.Map;
import java.util.concurrent.ArrayBlockingQueue;
import java.util.concurrent.Executors;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.ThreadFactory;
import java.util.concurrent.ThreadPoolExecutor;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import org.dcache.oncrpc4j.rpc.OncRpcProgram;
import org.dcache.oncrpc4j.rpc.ReplyQueue;
import org.dcache.oncrpc4j.rpc.RpcDispatchable;
import org.dcache.oncrpc4j.rpc.RpcDispatcher;
import org.dcache.oncrpc4j.rpc.RpcProtocolFilter;
import org.glassfish.grizzly.Connection;
import org.glassfish.grizzly.filterchain.FilterChainBuilder;
import org.glassfish.grizzly.filterchain.TransportFilter;
import org.glassfish.grizzly.memory.HeapMemoryManager;
import org.glassfish.grizzly.nio.transport.TCPNIOTransport;
import org.glassfish.grizzly.nio.transport.TCPNIOTransportBuilder;
import org.glassfish.grizzly.strategies.SameThreadIOStrategy;
import org.glassfish.grizzly.threadpool.ThreadPoolConfig;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The NFS server: one TCP endpoint serving NFSv4 (program 100003 version 4, minor versions 0-2) and whatever
 * extra ONC RPC programs are registered (NFSv3 and MOUNT v3 on the same port). No portmapper registration, no
 * privileged-port check.
 *
 * <h2>Threads and limits</h2>
 * The oncrpc4j filter chain (record marking, RPC header, dispatch) runs on {@value #SELECTORS} selector threads,
 * which only decode and hand calls to a pool of {@link NfsSettings#workers()} worker threads; only workers call
 * the VFS. When {@link NfsSettings#maxQueued()} calls wait for a worker, the selector thread blocks on the queue,
 * so the server stops reading sockets (back-pressure) until workers catch up. A record announcing more than
 * {@link NfsSettings#maxRequestBytes()} closes its connection. Arguments that do not decode are GARBAGE_ARGS.
 */
public final class NfsServer implements Closeable {

    public static final OncRpcProgram NFS_V4 = new OncRpcProgram(Nfs4Program.PROGRAM, Nfs4Program.VERSION);
    /** Selector (I/O) threads. */
    public static final int SELECTORS = 2;

    private static final Logger LOG = LoggerFactory.getLogger(NfsServer.class);

    private final TCPNIOTransport transport;
    private final ThreadPoolExecutor workers;
    private final ScheduledExecutorService reaper;
    private final Nfs4Service nfs4;
    /** The programs besides NFSv4 (for {@link #opListener}). */
    private java.util.Collection<RpcDispatchable> programs = java.util.List.of();
    private final InetSocketAddress address;
    private final ConnectionCounter connections;

    /** Sets the hook told of every NFSv4 operation and NFSv3 procedure (name, latency, error status). */
    public void opListener(io.bucketfs.vfs.OpListener listener) {
        nfs4.opListener(listener);
        for (RpcDispatchable p : programs) {
            if (p instanceof io.bucketfs.nfs.v3.Nfs3Program v3) {
                v3.opListener(listener);
            }
        }
    }

    private NfsServer(TCPNIOTransport transport, ThreadPoolExecutor workers, ScheduledExecutorService reaper,
            Nfs4Service nfs4, InetSocketAddress address, ConnectionCounter connections) {
        this.transport = transport;
        this.connections = connections;
        this.workers = workers;
        this.reaper = reaper;
        this.nfs4 = nfs4;
        this.address = address;
    }

    /**
     * Starts serving NFSv4 (minor versions 0-2), NFSv3 and MOUNT v3 on one port, over {@code exports}.
     *
     * @param bindAddress the address to listen on ("0.0.0.0" for all)
     * @param port the port (0: any free one, see {@link #address()})
     * @throws IOException if the port cannot be bound (the message names the address)
     */
    public static NfsServer start(String bindAddress, int port, NfsSettings settings, ExportTable exports)
            throws IOException {
        return start(bindAddress, port, null, settings, exports);
    }

    /**
     * {@link #start(String, int, NfsSettings, ExportTable)} on a channel bound (and listening) already: the daemon
     * binds the privileged port as root before it drops to the service user.
     */
    public static NfsServer start(java.nio.channels.ServerSocketChannel bound, NfsSettings settings,
                                  ExportTable exports) throws IOException {
        return start(null, 0, java.util.Objects.requireNonNull(bound, "bound"), settings, exports);
    }

    private static NfsServer start(String bindAddress, int port, java.nio.channels.ServerSocketChannel prebound,
                                   NfsSettings settings, ExportTable exports) throws IOException {
        return start(bindAddress, port, prebound, settings, exports, Map.of(
                new OncRpcProgram(io.bucketfs.nfs.v3.Nfs3Program.PROGRAM, io.bucketfs.nfs.v3.Nfs3Program.VERSION),
                new io.bucketfs.nfs.v3.Nfs3Program(exports, settings),
                new OncRpcProgram(io.bucketfs.nfs.mount.MountProgram.PROGRAM,
                        io.bucketfs.nfs.mount.MountProgram.VERSION),
                new io.bucketfs.nfs.mount.MountProgram(exports)));
    }

    /**
     * Starts serving NFSv4 and {@code programs} (tests register single programs this way).
     *
     * @param bindAddress the address to listen on ("0.0.0.0" for all)
     * @param port the port (0: any free one, see {@link #address()})
     * @param programs more programs on the same port, run on the same bounded worker pool
     * @throws IOException if the port cannot be bound (the message names the address)
     */
    public static NfsServer start(String bindAddress, int port, NfsSettings settings, ExportTable exports,
            Map<OncRpcProgram, RpcDispatchable> programs) throws IOException {
        return start(bindAddress, port, null, settings, exports, programs);
    }

    private static NfsServer start(String bindAddress, int port, java.nio.channels.ServerSocketChannel prebound,
            NfsSettings settings, ExportTable exports, Map<OncRpcProgram, RpcDispatchable> programs)
            throws IOException {
        Nfs4Service nfs4 = new Nfs4Service(settings, exports, System::nanoTime);
        programs = new HashMap<>(programs);
        programs.put(NFS_V4, new Nfs4Program(nfs4));
        ThreadPoolExecutor workers = workerPool(settings);
        TCPNIOTransport t = TCPNIOTransportBuilder.newInstance()
                .setReuseAddress(true)
                .setTcpNoDelay(true)
                .setIOStrategy(SameThreadIOStrategy.getInstance())
                .setSelectorThreadPoolConfig(ThreadPoolConfig.defaultConfig().setCorePoolSize(SELECTORS)
                        .setMaxPoolSize(SELECTORS).setPoolName("nfs-io"))
                .setSelectorRunnersCount(SELECTORS)
                .setMemoryManager(new HeapMemoryManager())
                .build();
        FilterChainBuilder chain = FilterChainBuilder.stateless();
        chain.add(new TransportFilter());
        ConnectionCounter connections = new ConnectionCounter();
        chain.add(connections);
        chain.add(new RecordLimitParser(settings.maxRequestBytes()));
        chain.add(new RpcProtocolFilter(new ReplyQueue()));
        chain.add(new RpcDispatcher(workers, programs, false, c -> { }));
        t.setProcessor(chain.build());
        InetSocketAddress bound;
        try {
            if (prebound != null) {
                org.glassfish.grizzly.nio.transport.PreboundServerConnections.adopt(t, prebound);
                t.start();
                bound = (InetSocketAddress) prebound.getLocalAddress();
            } else {
                Connection<?> c = t.bind(bindAddress, port, 128);
                t.start();
                bound = (InetSocketAddress) c.getLocalAddress();
            }
        } catch (IOException | RuntimeException e) {
            t.shutdownNow();
            workers.shutdownNow();
            throw new IOException("cannot listen on " + (prebound != null ? "the given channel"
                    : bindAddress + ":" + port) + ": " + e.getMessage(), e);
        }
        ScheduledExecutorService reaper = Executors.newSingleThreadScheduledExecutor(named("nfs-lease-reaper"));
        reaper.scheduleWithFixedDelay(nfs4.state()::expireIdle, 1, 1, TimeUnit.SECONDS);
        NfsServer server = new NfsServer(t, workers, reaper, nfs4, bound, connections);
        server.programs = java.util.List.copyOf(programs.values());
        return server;
    }

    private static ThreadPoolExecutor workerPool(NfsSettings settings) {
        return new ThreadPoolExecutor(settings.workers(), settings.workers(), 60, TimeUnit.SECONDS,
                new ArrayBlockingQueue<>(settings.maxQueued()), named("nfs-worker"), (r, pool) -> {
                    if (pool.isShutdown()) {
                        throw new RejectedExecutionException("NFS server stopped");
                    }
                    try {
                        pool.getQueue().put(r); // back-pressure: the I/O thread waits, sockets are not read
                    } catch (InterruptedException e) {
                        Thread.currentThread().interrupt();
                        throw new RejectedExecutionException("interrupted", e);
                    }
                });
    }

    private static ThreadFactory named(String prefix) {
        AtomicInteger n = new AtomicInteger();
        return r -> {
            Thread t = new Thread(r, prefix + "-" + n.incrementAndGet());
            t.setDaemon(true);
            return t;
        };
    }

    /** Client connections open now (accepted and not yet closed by either side). */
    public int openConnections() {
        return connections.open();
    }

    /** The address and port actually listened on. */
    public InetSocketAddress address() {
        return address;
    }

    /** The NFSv4 state and exports (for tests and the admin API). */
    public Nfs4Service nfs4() {
        return nfs4;
    }

    @Override
    public void close() {
        reaper.shutdownNow();
        try {
            transport.shutdownNow();
        } catch (IOException e) {
            LOG.warn("stopping the NFS transport: {}", e.toString());
        }
        workers.shutdown();
        try {
            if (!workers.awaitTermination(10, TimeUnit.SECONDS)) {
                workers.shutdownNow();
            }
        } catch (InterruptedException e) {
            workers.shutdownNow();
            Thread.currentThread().interrupt();
        }
    }
}
