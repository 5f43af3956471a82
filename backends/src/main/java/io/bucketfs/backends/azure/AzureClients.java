package io.bucketfs.backends.azure;

import com.azure.core.http.HttpClient;
import com.azure.core.http.jdk.httpclient.JdkHttpClientBuilder;
import com.azure.storage.blob.BlobContainerClient;
import com.azure.storage.blob.BlobContainerClientBuilder;
import com.azure.storage.common.StorageSharedKeyCredential;
import com.azure.storage.common.policy.RequestRetryOptions;
import com.azure.storage.common.policy.RetryPolicyType;
import io.bucketfs.backends.BackendSettings;
import io.bucketfs.backends.ConnectionSpec;
import java.time.Duration;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.ThreadFactory;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The SDK clients of one {@link AzureBlobObjectStore}: two container clients over JDK HTTP clients that share one
 * executor, both with the SDK's own retries off (one try; {@link io.bucketfs.backends.Retrier} retries).
 *
 * <ul>
 *   <li>{@link #control()}: requests without a body to stream (HEAD, LIST, DELETE, copy, commit). One attempt
 *       may take at most {@link BackendSettings#requestTimeout()}.</li>
 *   <li>{@link #data()}: PUT, staged blocks and GET bodies. An attempt has no overall bound (a large part on a
 *       slow link takes what it takes); {@link BackendSettings#requestTimeout()} bounds every silence instead
 *       (no byte written, no byte read).</li>
 * </ul>
 * The JDK client of Java 17 pools connections per client with no per-client limit, so
 * {@link BackendSettings#maxConnections()} is not enforced here: callers bound concurrency with their pools.
 */
final class AzureClients implements AutoCloseable {

    private static final Logger LOG = LoggerFactory.getLogger(AzureClients.class);
    static final String RESTRICTED_HEADERS_PROPERTY = "jdk.httpclient.allowRestrictedHeaders";

    static {
        allowContentLengthHeader();
    }

    private final ExecutorService executor;
    private final BlobContainerClient control;
    private final BlobContainerClient data;

    AzureClients(ConnectionSpec spec, BackendSettings settings) {
        this.executor = Executors.newCachedThreadPool(daemonThreads("bucketfs-azure-http-"));
        String endpoint = spec.effectiveEndpoint().toString();
        Duration request = settings.requestTimeout();
        this.control = container(spec, endpoint, httpClient(settings, request), request);
        this.data = container(spec, endpoint, httpClient(settings, Duration.ZERO), Duration.ofDays(1));
    }

    /**
     * The SDK sets {@code Content-Length} itself, which the JDK client refuses unless this property names it. The
     * JDK reads the property once, when its HTTP client classes initialise, so it is set here before the first
     * client is built (the test runner also sets it on the command line).
     */
    static void allowContentLengthHeader() {
        String v = System.getProperty(RESTRICTED_HEADERS_PROPERTY);
        if (v == null || v.isBlank()) {
            System.setProperty(RESTRICTED_HEADERS_PROPERTY, "content-length");
        } else if (!v.toLowerCase(java.util.Locale.ROOT).contains("content-length")) {
            System.setProperty(RESTRICTED_HEADERS_PROPERTY, v + ",content-length");
        }
    }

    BlobContainerClient control() {
        return control;
    }

    BlobContainerClient data() {
        return data;
    }

    private HttpClient httpClient(BackendSettings settings, Duration responseTimeout) {
        return new JdkHttpClientBuilder()
                .executor(executor)
                .connectionTimeout(settings.connectTimeout())
                .responseTimeout(responseTimeout)
                .readTimeout(settings.requestTimeout())
                .writeTimeout(settings.requestTimeout())
                .build();
    }

    private static BlobContainerClient container(ConnectionSpec spec, String endpoint, HttpClient http,
                                                 Duration tryTimeout) {
        BlobContainerClientBuilder b = new BlobContainerClientBuilder()
                .endpoint(endpoint)
                .containerName(spec.bucket())
                .httpClient(http)
                .retryOptions(new RequestRetryOptions(RetryPolicyType.FIXED, 1, tryTimeout, null, null, null));
        if (spec.accountKey() != null && !spec.accountKey().isBlank()) {
            b.credential(new StorageSharedKeyCredential(spec.accountName(), spec.accountKey().trim()));
        } else {
            b.sasToken(sasToken(spec));
        }
        return b.buildClient();
    }

    /** The connection's SAS token without a leading {@code ?}, or {@code null}. */
    static String sasToken(ConnectionSpec spec) {
        String s = spec.sasToken();
        if (s == null || s.isBlank()) {
            return null;
        }
        s = s.trim();
        return s.startsWith("?") ? s.substring(1) : s;
    }

    @Override
    public void close() {
        executor.shutdown();
        try {
            if (!executor.awaitTermination(1, TimeUnit.SECONDS)) {
                executor.shutdownNow();
            }
        } catch (InterruptedException e) {
            executor.shutdownNow();
            Thread.currentThread().interrupt();
        }
        LOG.debug("closed the HTTP clients of container {}", control.getBlobContainerName());
    }

    private static ThreadFactory daemonThreads(String prefix) {
        AtomicInteger n = new AtomicInteger();
        return r -> {
            Thread t = new Thread(r, prefix + n.incrementAndGet());
            t.setDaemon(true);
            return t;
        };
    }
}
