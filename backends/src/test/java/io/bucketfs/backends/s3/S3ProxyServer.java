package io.bucketfs.backends.s3;

import io.bucketfs.backends.ConnectionSpec;
import io.bucketfs.backends.Provider;
import java.io.IOException;
import java.net.URI;
import java.nio.file.FileVisitResult;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.SimpleFileVisitor;
import java.nio.file.attribute.BasicFileAttributes;
import java.util.Properties;
import java.util.concurrent.TimeoutException;
import java.util.concurrent.atomic.AtomicInteger;
import org.gaul.s3proxy.BlobStores;
import org.gaul.s3proxy.S3Proxy;
import org.gaul.s3proxy.auth.AuthenticationType;
import org.gaul.s3proxy.blobstore.BlobStore;

/**
 * A real S3 server for tests: S3Proxy running in this JVM on 127.0.0.1 with an ephemeral port, storing objects in
 * a temporary directory (the {@code filesystem-nio2} blob store, behind {@link FlatKeyBlobStore} so that keys
 * such as {@code a}, {@code a/} and {@code a/b} coexist as they do on S3), checking AWS V2 or V4 signatures made with
 * {@link #IDENTITY} and {@link #SECRET}. {@link #createBucket()} makes a fresh, empty bucket; {@link #close()}
 * stops the server and removes the directory.
 */
public final class S3ProxyServer implements AutoCloseable {

    /** The access key the server accepts. */
    public static final String IDENTITY = "bucketfs-test-identity";
    /** The secret key the server accepts. */
    public static final String SECRET = "bucketfs-test-secret";
    /** The region clients sign for (S3Proxy accepts any). */
    public static final String REGION = "us-east-1";

    private static final long START_TIMEOUT_MILLIS = 30_000;
    private static final AtomicInteger BUCKETS = new AtomicInteger();

    private final Path directory;
    private final BlobStore blobStore;
    private final S3Proxy proxy;
    private final URI endpoint;

    private S3ProxyServer(Path directory, BlobStore blobStore, S3Proxy proxy, URI endpoint) {
        this.directory = directory;
        this.blobStore = blobStore;
        this.proxy = proxy;
        this.endpoint = endpoint;
    }

    /** Starts a server over a new temporary directory and waits until it accepts requests. */
    public static S3ProxyServer start() throws Exception {
        return start(Files.createTempDirectory("bucketfs-s3proxy"), 0);
    }

    /**
     * Places {@code count} empty objects {@code prefix + "f0"} .. {@code prefix + "f<count-1>"} into {@code bucket}
     * of the server over {@code dir} (running or not) by writing them as the store keeps them, one file each: what a
     * benchmark needs to list many objects, which S3Proxy would take minutes to accept as PUTs (~250/s here). The
     * store reads its directory on every request, so a running server lists them at once. {@code prefix} is a plain
     * path of non-empty segments ending in '/'.
     */
    public static void placeEmptyObjects(Path dir, String bucket, String prefix, int count) throws IOException {
        if (!prefix.endsWith("/") || prefix.startsWith("/") || prefix.contains("//")) {
            throw new IllegalArgumentException("prefix must be a/b/ style: " + prefix);
        }
        Path parent = Files.createDirectories(dir.resolve(bucket).resolve(prefix));
        for (int k = 0; k < count; k++) {
            Files.createFile(parent.resolve("f" + k + FlatKeyBlobStore.SUFFIX));
        }
    }

    /**
     * Starts a server over {@code dir} (its objects survive a restart on the same directory) on {@code port}
     * (0: any free one) and waits until it accepts requests. {@link #close} deletes the directory.
     */
    public static S3ProxyServer start(Path dir, int port) throws Exception {
        Files.createDirectories(dir);
        Properties props = new Properties();
        props.setProperty("jclouds.filesystem.basedir", dir.toString());
        BlobStore store = new FlatKeyBlobStore(BlobStores.create("filesystem-nio2", props));
        S3Proxy proxy = S3Proxy.builder()
                .blobStore(store)
                .endpoint(URI.create("http://127.0.0.1:" + port))
                .awsAuthentication(AuthenticationType.AWS_V2_OR_V4, IDENTITY, SECRET)
                .ignoreUnknownHeaders(true)
                .stopTimeout(0)
                .build();
        try {
            proxy.start();
            long deadline = System.nanoTime() + START_TIMEOUT_MILLIS * 1_000_000;
            while (!"STARTED".equals(proxy.getState())) {
                if (System.nanoTime() > deadline) {
                    throw new TimeoutException("S3Proxy did not start: " + proxy.getState());
                }
                Thread.sleep(10);
            }
        } catch (Exception e) {
            stopQuietly(proxy);
            store.close();
            deleteRecursively(dir);
            throw e;
        }
        return new S3ProxyServer(dir, store, proxy, URI.create("http://127.0.0.1:" + proxy.getPort()));
    }

    /** {@code http://127.0.0.1:<port>} */
    public URI endpoint() {
        return endpoint;
    }

    public String identity() {
        return IDENTITY;
    }

    public String secret() {
        return SECRET;
    }

    /** Creates the bucket {@code name} if it does not exist. */
    public void createBucket(String name) {
        blobStore.createContainer(name);
    }

    /** Creates a new, empty bucket with a name no other test uses and returns the name. */
    public String createBucket() {
        String name = "bucket-" + BUCKETS.incrementAndGet() + "-" + Long.toHexString(System.nanoTime());
        blobStore.createContainer(name);
        return name;
    }

    /** A connection to {@code bucket} on this server with the accepted keys ({@code s3-compatible}, path style). */
    public ConnectionSpec spec(String bucket) {
        return ConnectionSpec.of(Provider.S3_COMPATIBLE, bucket)
                .withEndpoint(endpoint.toString())
                .withRegion(REGION)
                .withPathStyle(true)
                .withKeys(IDENTITY, SECRET);
    }

    /** Stops the server and deletes its directory. */
    @Override
    public void close() throws Exception {
        try {
            proxy.stop();
        } finally {
            blobStore.close();
            deleteRecursively(directory);
        }
    }

    private static void stopQuietly(S3Proxy proxy) {
        try {
            proxy.stop();
        } catch (Exception e) {
            // the start failure is the one worth reporting
        }
    }

    private static void deleteRecursively(Path dir) throws IOException {
        if (!Files.exists(dir)) {
            return;
        }
        Files.walkFileTree(dir, new SimpleFileVisitor<>() {
            @Override
            public FileVisitResult visitFile(Path file, BasicFileAttributes attrs) throws IOException {
                Files.delete(file);
                return FileVisitResult.CONTINUE;
            }

            @Override
            public FileVisitResult postVisitDirectory(Path d, IOException e) throws IOException {
                Files.delete(d);
                return FileVisitResult.CONTINUE;
            }
        });
    }
}
