package io.bucketfs.tests.servers;

import io.bucketfs.backends.s3.S3ProxyServer;
import java.nio.file.Path;
import java.util.concurrent.CountDownLatch;

/**
 * S3Proxy as a process of its own, so that it outlives the gateway a test kills: {@code S3ProxyMain DIR PORT
 * BUCKET} serves the objects in {@code DIR} on 127.0.0.1:{@code PORT} (keys {@link S3ProxyServer#IDENTITY} /
 * {@link S3ProxyServer#SECRET}), creates {@code BUCKET} if missing, prints {@code READY} and runs until killed.
 * Used by {@code tests/servers/bucketfs-s3.sh}.
 */
public final class S3ProxyMain {

    private S3ProxyMain() {
    }

    public static void main(String[] args) throws Exception {
        if (args.length != 3) {
            System.err.println("usage: S3ProxyMain DIR PORT BUCKET");
            System.exit(2);
        }
        S3ProxyServer server = S3ProxyServer.start(Path.of(args[0]), Integer.parseInt(args[1]));
        server.createBucket(args[2]);
        System.out.println("READY " + server.endpoint());
        System.out.flush();
        new CountDownLatch(1).await(); // the launcher stops it with a signal; the objects stay in DIR
    }
}
