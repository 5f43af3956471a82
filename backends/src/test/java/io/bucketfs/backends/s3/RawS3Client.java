package io.bucketfs.backends.s3;

import java.io.IOException;
import java.io.InputStream;
import java.net.URI;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Future;
import java.util.concurrent.Semaphore;
import java.util.concurrent.TimeUnit;
import software.amazon.awssdk.auth.credentials.AwsBasicCredentials;
import software.amazon.awssdk.auth.credentials.StaticCredentialsProvider;
import software.amazon.awssdk.core.checksums.RequestChecksumCalculation;
import software.amazon.awssdk.core.sync.RequestBody;
import software.amazon.awssdk.http.apache.ApacheHttpClient;
import software.amazon.awssdk.regions.Region;
import software.amazon.awssdk.services.s3.S3Client;
import software.amazon.awssdk.services.s3.S3Configuration;
import software.amazon.awssdk.services.s3.model.CompletedPart;
import software.amazon.awssdk.services.s3.model.NoSuchKeyException;
import software.amazon.awssdk.services.s3.model.S3Object;

/**
 * The AWS SDK used directly, as an application would, on one bucket of {@link S3ProxyServer} (its keys): the
 * benchmarks' object-store ceiling (parallel ranged GETs, multipart uploads, listings) and their way to put objects
 * into the bucket behind the gateway's back. Here because SDK types stay inside backends/; no retries of its own
 * beyond the SDK's defaults, no bucketfs code in the path.
 */
public final class RawS3Client implements AutoCloseable {

    /** The bytes of part {@code index} (0-based) of an upload. */
    @FunctionalInterface
    public interface Parts {
        byte[] part(int index) throws IOException;
    }

    private static final long TIMEOUT_SECONDS = 1800;

    private final S3Client s3;
    private final String bucket;

    private RawS3Client(S3Client s3, String bucket) {
        this.s3 = s3;
        this.bucket = bucket;
    }

    /** A client of {@code bucket} on the S3Proxy at {@code endpoint}, with up to {@code connections} connections. */
    public static RawS3Client ofS3Proxy(String endpoint, String bucket, int connections) {
        return new RawS3Client(S3Client.builder().endpointOverride(URI.create(endpoint)).forcePathStyle(true)
                .region(Region.of(S3ProxyServer.REGION))
                // plain signed bodies, no aws-chunked encoding: S3Proxy closes the connection after a chunked PUT
                .requestChecksumCalculation(RequestChecksumCalculation.WHEN_REQUIRED)
                .serviceConfiguration(S3Configuration.builder().chunkedEncodingEnabled(false).build())
                .credentialsProvider(StaticCredentialsProvider.create(AwsBasicCredentials.create(
                        S3ProxyServer.IDENTITY, S3ProxyServer.SECRET)))
                .httpClientBuilder(ApacheHttpClient.builder().maxConnections(connections)
                        .socketTimeout(Duration.ofSeconds(120)))
                .build(), bucket);
    }

    /**
     * Uploads {@code size} bytes at {@code key} in parts of {@code partSize} made by {@code parts} (called in
     * order, on this thread), up to {@code parallel} parts in flight on {@code pool}.
     */
    public void multipartUpload(String key, long size, int partSize, int parallel, Parts parts, ExecutorService pool)
            throws Exception {
        String id = s3.createMultipartUpload(b -> b.bucket(bucket).key(key)).uploadId();
        int count = (int) Math.max(1, (size + partSize - 1) / partSize);
        List<Future<CompletedPart>> done = new ArrayList<>();
        Semaphore inFlight = new Semaphore(parallel);
        for (int i = 0; i < count; i++) {
            int number = i + 1;
            inFlight.acquire();
            byte[] body;
            try {
                body = parts.part(i);
            } catch (IOException | RuntimeException e) {
                inFlight.release();
                throw e;
            }
            done.add(pool.submit(() -> {
                try {
                    String etag = s3.uploadPart(b -> b.bucket(bucket).key(key).uploadId(id).partNumber(number),
                            RequestBody.fromBytes(body)).eTag();
                    return CompletedPart.builder().partNumber(number).eTag(etag).build();
                } finally {
                    inFlight.release();
                }
            }));
        }
        List<CompletedPart> completed = new ArrayList<>();
        for (Future<CompletedPart> f : done) {
            completed.add(f.get(TIMEOUT_SECONDS, TimeUnit.SECONDS));
        }
        s3.completeMultipartUpload(b -> b.bucket(bucket).key(key).uploadId(id)
                .multipartUpload(m -> m.parts(completed)));
    }

    /** Reads {@code key} ({@code size} bytes) in ranges of {@code rangeSize}, all submitted to {@code pool}. */
    public void parallelGet(String key, long size, int rangeSize, ExecutorService pool) throws Exception {
        List<Future<Long>> parts = new ArrayList<>();
        for (long off = 0; off < size; off += rangeSize) {
            String range = "bytes=" + off + "-" + (Math.min(size, off + rangeSize) - 1);
            parts.add(pool.submit(() -> {
                long n = 0;
                byte[] buf = new byte[1 << 16];
                try (InputStream in = s3.getObject(b -> b.bucket(bucket).key(key).range(range))) {
                    for (int r; (r = in.read(buf)) > 0; ) {
                        n += r;
                    }
                }
                return n;
            }));
        }
        long got = 0;
        for (Future<Long> f : parts) {
            got += f.get(TIMEOUT_SECONDS, TimeUnit.SECONDS);
        }
        if (got != size) {
            throw new IOException("the ranged GETs of " + key + " returned " + got + " of " + size + " bytes");
        }
    }

    /** The object's bytes as a stream (one GET). */
    public InputStream get(String key) {
        return s3.getObject(b -> b.bucket(bucket).key(key));
    }

    public byte[] getBytes(String key) {
        return s3.getObjectAsBytes(b -> b.bucket(bucket).key(key)).asByteArray();
    }

    public void putEmpty(String key) {
        s3.putObject(b -> b.bucket(bucket).key(key), RequestBody.empty());
    }

    /** The object's size, or -1 if there is none. */
    public long size(String key) {
        try {
            return s3.headObject(b -> b.bucket(bucket).key(key)).contentLength();
        } catch (NoSuchKeyException e) {
            return -1;
        }
    }

    /**
     * How many objects under {@code prefix} are {@code size} bytes long (all of them if {@code size < 0}). A listing
     * cut short (S3Proxy's filesystem store sends a truncated page when the prefix changes while it lists) is
     * listed again, 5 times at most.
     */
    public long count(String prefix, long size) {
        for (int attempt = 1; ; attempt++) {
            try {
                return countOnce(prefix, size);
            } catch (RuntimeException e) {
                if (attempt >= 5 || !S3Errors.truncatedBody(e)) {
                    throw e;
                }
            }
        }
    }

    private long countOnce(String prefix, long size) {
        long n = 0;
        for (S3Object o : s3.listObjectsV2Paginator(b -> b.bucket(bucket).prefix(prefix)).contents()) {
            if (size < 0 || o.size() == size) {
                n++;
            }
        }
        return n;
    }

    public void delete(String key) {
        s3.deleteObject(b -> b.bucket(bucket).key(key));
    }

    @Override
    public void close() {
        s3.close();
    }
}
