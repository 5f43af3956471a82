package io.bucketfs.smb.server;

import io.bucketfs.smb.ntlm.SmbUsers;
import io.bucketfs.vfs.OpListener;
import io.bucketfs.vfs.Vfs;
import io.netty.bootstrap.ServerBootstrap;
import io.netty.channel.Channel;
import io.netty.channel.ChannelInitializer;
import io.netty.channel.ChannelOption;
import io.netty.channel.EventLoopGroup;
import io.netty.channel.MultiThreadIoEventLoopGroup;
import io.netty.channel.nio.NioIoHandler;
import io.netty.channel.socket.SocketChannel;
import io.netty.channel.socket.nio.NioServerSocketChannel;
import io.netty.handler.codec.LengthFieldBasedFrameDecoder;
import java.net.InetSocketAddress;
import java.security.SecureRandom;
import java.util.Collection;
import java.util.Locale;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.ThreadPoolExecutor;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The SMB 2/3 server ([MS-SMB2] 3.3.1.5 Server): Direct TCP (a 4-byte big-endian length before each message,
 * 2.1), one share per VFS mount by name plus IPC$, users from {@link SmbUsers}. The worker pool has
 * {@link SmbSettings#workerThreads()} threads; its queue holds at most one task per connection (a connection
 * runs its frames one at a time), so it is bounded by the number of connections.
 */
public final class SmbServer implements AutoCloseable {
    private static final Logger LOG = LoggerFactory.getLogger(SmbServer.class);

    private final SmbSettings settings;
    /** Per-command metrics; set by the embedding gateway. */
    private volatile OpListener opListener = OpListener.NONE;
    /** By lower-case name; changed at run time ({@link #addShare}, {@link #removeShare}), read by every tree connect. */
    private final Map<String, Share> shares = new java.util.concurrent.ConcurrentSkipListMap<>();
    private final SmbUsers users;
    /** The SPNEGO mechanisms SESSION_SETUP accepts. */
    private final Authenticators authenticators;
    private final SecureRandom random = new SecureRandom();
    private final byte[] serverGuid;
    private final long startTime = System.currentTimeMillis();
    private final AtomicLong nextSessionId = new AtomicLong(0x1000);
    /** [MS-SMB2] 3.3.1.5 GlobalSessionTable: the sessions of every connection, by SessionId. */
    private final Map<Long, Session> sessions = new java.util.concurrent.ConcurrentHashMap<>();
    private final AtomicLong nextOpenId = new AtomicLong(1);
    /** Client connections open now: counted by {@link SmbConnection} when its channel becomes active / inactive. */
    private final AtomicInteger openConnections = new AtomicInteger();
    private final FileNodes nodes = new FileNodes();
    private final SmbLeases leases = new SmbLeases();
    private final ExecutorService workers;
    private final Commands commands;
    private final EventLoopGroup boss;
    private final EventLoopGroup io;
    private final Channel channel;

    private SmbServer(String host, int port, java.nio.channels.ServerSocketChannel prebound, SmbSettings settings,
                      Collection<Share> disks, SmbUsers users) throws InterruptedException {
        this.settings = settings;
        this.users = users;
        this.authenticators = Authenticators.ntlmOnly(this);
        disks.forEach(share -> shares.put(share.name().toLowerCase(Locale.ROOT), share));
        shares.put("ipc$", new Share("IPC$", null));
        UUID g = UUID.randomUUID();
        serverGuid = java.nio.ByteBuffer.allocate(16).putLong(g.getMostSignificantBits())
                .putLong(g.getLeastSignificantBits()).array();
        AtomicInteger n = new AtomicInteger();
        workers = new ThreadPoolExecutor(settings.workerThreads(), settings.workerThreads(), 60, TimeUnit.SECONDS,
                new LinkedBlockingQueue<>(), r -> {
                    Thread t = new Thread(r, "smb-worker-" + n.incrementAndGet());
                    t.setDaemon(true);
                    return t;
                });
        commands = new Commands(this);
        boss = new MultiThreadIoEventLoopGroup(1, NioIoHandler.newFactory());
        io = new MultiThreadIoEventLoopGroup(2, NioIoHandler.newFactory());
        ServerBootstrap b = new ServerBootstrap().group(boss, io)
                .channelFactory(() -> prebound != null ? new NioServerSocketChannel(prebound)
                        : new NioServerSocketChannel())
                .childOption(ChannelOption.TCP_NODELAY, true)
                .childHandler(new ChannelInitializer<SocketChannel>() {
                    @Override
                    protected void initChannel(SocketChannel ch) {
                        ch.pipeline().addLast("frame", new LengthFieldBasedFrameDecoder(
                                settings.maxFrameBytes(), 0, 4, 0, 4));
                        ch.pipeline().addLast("smb", new SmbConnection(SmbServer.this));
                    }
                });
        Channel bound;
        try {
            // a channel bound already (the daemon binds :445 as root) is only registered: it accepts at once
            bound = prebound != null ? b.register().sync().channel() : b.bind(host, port).sync().channel();
        } catch (InterruptedException | RuntimeException e) {
            release();
            throw e;
        } catch (Exception e) { // Netty rethrows the bind's checked exception (BindException) unchecked
            release();
            throw new java.io.UncheckedIOException(e instanceof java.io.IOException io ? io
                    : new java.io.IOException(e.getMessage(), e));
        }
        channel = bound;
        LOG.debug("SMB server on {} serving {}", channel.localAddress(), shares.keySet());
    }

    /**
     * Starts a server; {@code port} 0 picks a free one ({@link #port()}). A port that cannot be bound is an
     * {@link java.io.UncheckedIOException} (its cause the bind's, e.g. {@link java.net.BindException}), with
     * nothing left running.
     */
    public static SmbServer start(String host, int port, SmbSettings settings, Map<String, Vfs> mounts,
                                  SmbUsers users) throws InterruptedException {
        return start(host, port, settings, mounts.entrySet().stream()
                .map(e -> new Share(e.getKey(), e.getValue())).toList(), users);
    }

    /** {@link #start(String, int, SmbSettings, Map, SmbUsers)} for disk shares with their own settings. */
    public static SmbServer start(String host, int port, SmbSettings settings, Collection<Share> shares,
                                  SmbUsers users) throws InterruptedException {
        return new SmbServer(host, port, null, settings, shares, users);
    }

    /**
     * {@link #start(String, int, SmbSettings, Collection, SmbUsers)} on a channel bound (and listening) already:
     * the daemon binds the privileged port as root before it drops to the service user.
     */
    public static SmbServer start(java.nio.channels.ServerSocketChannel bound, SmbSettings settings,
                                  Collection<Share> shares, SmbUsers users) throws InterruptedException {
        return new SmbServer(null, 0, java.util.Objects.requireNonNull(bound, "bound"), settings, shares, users);
    }

    public int port() {
        return ((InetSocketAddress) channel.localAddress()).getPort();
    }

    /** The limits and policy it runs with. */
    public SmbSettings settings() {
        return settings;
    }

    /** Client connections open now (accepted and not yet closed by either side). */
    public int openConnections() {
        return openConnections.get();
    }

    void connectionOpened() {
        openConnections.incrementAndGet();
    }

    void connectionClosed() {
        openConnections.decrementAndGet();
    }

    ExecutorService workers() {
        return workers;
    }

    /** Sets the hook told of every command (name, latency, error status). */
    public void opListener(OpListener listener) {
        this.opListener = java.util.Objects.requireNonNull(listener, "listener");
    }

    OpListener opListener() {
        return opListener;
    }

    Commands commands() {
        return commands;
    }

    SmbUsers users() {
        return users;
    }

    Authenticators authenticators() {
        return authenticators;
    }

    SecureRandom random() {
        return random;
    }

    byte[] serverGuid() {
        return serverGuid.clone();
    }

    long startTime() {
        return startTime;
    }

    long newSessionId() {
        return nextSessionId.getAndIncrement();
    }

    /** Any connection's session, or null. */
    Session session(long id) {
        return sessions.get(id);
    }

    void register(Session s) {
        sessions.put(s.id, s);
    }

    void unregister(Session s) {
        sessions.remove(s.id, s);
    }

    long newOpenId() {
        return nextOpenId.getAndIncrement();
    }

    FileNodes nodes() {
        return nodes;
    }

    SmbLeases leases() {
        return leases;
    }

    /** Every share, mounts first (in their order) then IPC$. */
    java.util.List<Share> shares() {
        return java.util.List.copyOf(shares.values());
    }

    Share share(String name) {
        return shares.get(name.toLowerCase(Locale.ROOT));
    }

    /** Serves {@code vfs} as the share {@code name} to every later TREE_CONNECT; a name taken is refused. */
    public void addShare(String name, Vfs vfs) {
        addShare(new Share(name, vfs));
    }

    /** Serves {@code share} to every later TREE_CONNECT; a name taken is refused. */
    public void addShare(Share share) {
        if (share.isIpc() || shares.putIfAbsent(share.name().toLowerCase(Locale.ROOT), share) != null) {
            throw new IllegalArgumentException("share " + share.name() + " exists");
        }
    }

    /**
     * Stops offering the share {@code name} to later TREE_CONNECTs (trees already connected keep their
     * {@link Vfs}: the caller makes it fail if it goes away). Returns whether there was such a share.
     */
    public boolean removeShare(String name) {
        return !name.equalsIgnoreCase("IPC$") && shares.remove(name.toLowerCase(Locale.ROOT)) != null;
    }

    @Override
    public void close() {
        channel.close().syncUninterruptibly();
        release();
    }

    private void release() {
        io.shutdownGracefully(0, 2, TimeUnit.SECONDS).syncUninterruptibly();
        boss.shutdownGracefully(0, 2, TimeUnit.SECONDS).syncUninterruptibly();
        workers.shutdown();
        try {
            workers.awaitTermination(5, TimeUnit.SECONDS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }
}
