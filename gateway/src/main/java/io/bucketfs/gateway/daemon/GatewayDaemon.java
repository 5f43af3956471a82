package io.bucketfs.gateway.daemon;

import io.bucketfs.gateway.Gateway;
import java.io.IOException;
import java.net.InetSocketAddress;
import java.nio.channels.ServerSocketChannel;
import org.apache.commons.daemon.Daemon;
import org.apache.commons.daemon.DaemonContext;
import org.apache.commons.daemon.DaemonInitException;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The gateway as a service under Apache Commons Daemon (Debian's {@code jsvc}; the appliance's
 * {@code bucketfs.service}). {@link #init} runs as root and only binds the NFS and SMB ports (2049 and 445 are
 * privileged); jsvc then switches to the service user, and {@link #start} opens the gateway — data dir, journal,
 * cache, admin API — as that user, serving the channels bound before. Nothing but the two sockets is touched as
 * root, so every file the gateway makes belongs to the service user.
 *
 * <p>Arguments: {@code --config FILE} ({@link DaemonConfig}). A bad setting fails {@code init} with a one-line
 * {@link DaemonInitException} naming it (jsvc prints it and exits non-zero).
 */
public final class GatewayDaemon implements Daemon {

    private static final Logger LOG = LoggerFactory.getLogger(GatewayDaemon.class);

    private DaemonConfig config;
    private ServerSocketChannel nfs;
    private ServerSocketChannel smb;
    private Gateway gateway;

    @Override
    public void init(DaemonContext context) throws DaemonInitException {
        try {
            config = DaemonConfig.parse(context.getArguments(), System.getenv());
        } catch (IllegalArgumentException | IOException e) {
            throw new DaemonInitException("bucketfs: " + e.getMessage());
        }
        try {
            nfs = listen("nfs-port", config.bind(), config.nfsPort());
            smb = config.smbPort() == 0 ? null : listen("smb-port", config.bind(), config.smbPort());
        } catch (IOException e) {
            closeChannels();
            throw new DaemonInitException("bucketfs: " + e.getMessage());
        }
        LOG.info("bound NFS {} and SMB {} as uid {}", nfs.socket().getLocalSocketAddress(),
                smb == null ? "(off)" : smb.socket().getLocalSocketAddress(), uid());
    }

    private static ServerSocketChannel listen(String key, String bind, int port) throws IOException {
        ServerSocketChannel ch = ServerSocketChannel.open();
        try {
            ch.socket().setReuseAddress(true);
            ch.bind(new InetSocketAddress(bind, port), 128);
            return ch;
        } catch (IOException e) {
            ch.close();
            throw new IOException(key + ": cannot listen on " + bind + ":" + port + ": " + e.getMessage(), e);
        }
    }

    @Override
    public void start() throws Exception {
        LOG.info("starting the gateway as uid {} (data dir {})", uid(), config.dataDir());
        Gateway g = Gateway.start(config.gateway());
        try {
            g.usePreboundChannels(nfs, smb);
            g.defaultExportRules(config.exportRules());
            g.startNfs(config.bind(), config.nfsPort(), io.bucketfs.nfs.NfsSettings.DEFAULTS.withGrace(
                    java.time.Duration.ofSeconds(config.nfsGrace())));
            if (smb != null) {
                try {
                    g.startSmb(config.bind(), config.smbPort(), config.smbSettings(), g.defaultSmbUsers(),
                            config.smbEncryptShares());
                } catch (IllegalArgumentException e) {
                    throw new IllegalArgumentException("smb-encrypt-shares: " + e.getMessage(), e);
                }
            }
            g.startAdmin(config.adminPort());
        } catch (Exception e) {
            g.close();
            throw e;
        }
        gateway = g;
        LOG.info("bucketfs gateway running as a service");
    }

    @Override
    public void stop() {
        Gateway g = gateway;
        gateway = null;
        if (g != null) {
            LOG.info("stopping");
            g.close();
        }
    }

    @Override
    public void destroy() {
        stop();
        closeChannels();
    }

    private void closeChannels() {
        for (ServerSocketChannel ch : new ServerSocketChannel[] {nfs, smb}) {
            if (ch != null) {
                try {
                    ch.close();
                } catch (IOException e) {
                    LOG.debug("closing a listening channel: {}", e.toString());
                }
            }
        }
    }

    /** The process's user id (from /proc; "?" where that is not readable). */
    static String uid() {
        try {
            for (String line : java.nio.file.Files.readAllLines(java.nio.file.Path.of("/proc/self/status"))) {
                if (line.startsWith("Uid:")) {
                    return line.split("\\s+")[1];
                }
            }
        } catch (IOException | RuntimeException e) {
            LOG.debug("reading /proc/self/status: {}", e.toString());
        }
        return "?";
    }
}
