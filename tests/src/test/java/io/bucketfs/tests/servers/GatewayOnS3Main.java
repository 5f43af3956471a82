package io.bucketfs.tests.servers;

import io.bucketfs.backends.ConnectionSpec;
import io.bucketfs.backends.Provider;
import io.bucketfs.backends.s3.S3ProxyServer;
import io.bucketfs.gateway.Gateway;
import io.bucketfs.gateway.GatewayConfig;
import io.bucketfs.nfs.NfsSettings;
import io.bucketfs.smb.server.SmbSettings;
import java.nio.file.Path;
import java.time.Duration;

/**
 * The gateway as {@code bucketfs serve} runs it, with its default mount on a bucket of an S3 server instead of the
 * embedded local one: {@code GatewayOnS3Main DATA_DIR BIND NFS_PORT S3_ENDPOINT BUCKET [SMB_PORT]}, NFS grace 0,
 * S3Proxy's test keys; with a non-zero {@code SMB_PORT} also the SMB server (user {@link Gateway#DEFAULT_SMB_USER},
 * password in {@code DATA_DIR/smb-password}). Runs until SIGTERM (clean stop) or SIGKILL. Used by {@code tests/servers/bucketfs-s3.sh} so that the
 * kernel-client scenarios also run against a mount backed by S3 (S3Proxy in its own process).
 */
public final class GatewayOnS3Main {

    private GatewayOnS3Main() {
    }

    public static void main(String[] args) throws Exception {
        if (args.length != 5 && args.length != 6) {
            System.err.println("usage: GatewayOnS3Main DATA_DIR BIND NFS_PORT S3_ENDPOINT BUCKET [SMB_PORT]");
            System.exit(2);
        }
        ConnectionSpec spec = ConnectionSpec.of(Provider.S3_COMPATIBLE, args[4]).withEndpoint(args[3])
                .withRegion(S3ProxyServer.REGION).withPathStyle(true)
                .withKeys(S3ProxyServer.IDENTITY, S3ProxyServer.SECRET);
        Gateway gateway = Gateway.start(new GatewayConfig(Path.of(args[0]), null), spec);
        // the kernel-client VM test works as root on the export (chown among its checks): no root squash, as
        // tests/servers/bucketfs.sh asks with --nfs-no-root-squash; clients stay limited to the private networks
        gateway.defaultExportRules(io.bucketfs.nfs.export.ExportRules.DEFAULT.withRootSquash(false));
        gateway.startNfs(args[1], Integer.parseInt(args[2]), NfsSettings.DEFAULTS.withGrace(Duration.ZERO));
        int smbPort = args.length == 6 ? Integer.parseInt(args[5]) : 0;
        if (smbPort != 0) {
            gateway.startSmb(args[1], smbPort, SmbSettings.DEFAULTS);
        }
        Runtime.getRuntime().addShutdownHook(new Thread(gateway::close, "gateway-shutdown"));
        gateway.awaitStop();
    }
}
