package io.bucketfs.backends.azure;

import com.azure.core.http.jdk.httpclient.JdkHttpClientBuilder;
import com.azure.storage.blob.BlobServiceClient;
import com.azure.storage.blob.BlobServiceClientBuilder;
import com.azure.storage.common.StorageSharedKeyCredential;
import io.bucketfs.backends.BackendSettings;
import io.bucketfs.backends.ConnectionSpec;
import io.bucketfs.backends.Provider;
import java.io.IOException;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.Paths;
import java.util.Comparator;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.stream.Stream;

/**
 * A real Azure Blob server for tests: Azurite's {@code azurite-blob} on 127.0.0.1 and a free port, storing in a
 * temporary directory, its output in {@code target/azurite-<port>.log}. The binary is the system property
 * {@value #BINARY_PROPERTY} if set, else {@value #RELATIVE_BINARY} in the first directory up from the working
 * directory that has it (the project's test command installs it there with npm).
 */
public final class AzuriteServer implements AutoCloseable {

    public static final String BINARY_PROPERTY = "bucketfs.azurite";
    public static final String RELATIVE_BINARY = "tests/.tools/node_modules/.bin/azurite-blob";
    /** Azurite's well-known development account. */
    public static final String ACCOUNT = "devstoreaccount1";
    /** The well-known (public) key of {@link #ACCOUNT}. */
    public static final String KEY =
            "Eby8vdM02xNOcqFlqUwJPLlmEtlCDXJ1OUzFT50uSRZ6IFsuFq2UVErCz4I6tq/K1SZFPTOtr/KBHBeksoGMGw==";
    private static final long START_TIMEOUT_MS = 30_000;
    private static final AtomicInteger CONTAINERS = new AtomicInteger();

    private final Process process;
    private final int port;
    private final Path dataDir;
    private final Path log;
    private BlobServiceClient admin;

    private AzuriteServer(Process process, int port, Path dataDir, Path log) {
        this.process = process;
        this.port = port;
        this.dataDir = dataDir;
        this.log = log;
    }

    /** Starts Azurite and waits until it accepts connections. */
    public static AzuriteServer start() throws IOException, InterruptedException {
        Path binary = findBinary();
        IOException last = null;
        for (int tries = 0; tries < 3; tries++) {
            int port = freePort();
            Path data = Files.createTempDirectory("bucketfs-azurite-");
            Path target = Paths.get("target").toAbsolutePath();
            Files.createDirectories(target);
            Path log = target.resolve("azurite-" + port + ".log");
            Process p = new ProcessBuilder(List.of(binary.toString(), "--blobHost", "127.0.0.1", "--blobPort",
                    String.valueOf(port), "--location", data.toString(), "--skipApiVersionCheck", "--loose",
                    "--silent"))
                    .redirectErrorStream(true)
                    .redirectOutput(log.toFile())
                    .start();
            AzuriteServer s = new AzuriteServer(p, port, data, log);
            try {
                s.awaitListening();
                return s;
            } catch (IOException e) {
                s.close();
                last = e;
            }
        }
        throw last;
    }

    /** The binary from {@value #BINARY_PROPERTY} or found up from the working directory; fails if there is none. */
    static Path findBinary() {
        String prop = System.getProperty(BINARY_PROPERTY);
        if (prop != null && !prop.isBlank()) {
            Path p = Paths.get(prop);
            if (!Files.isExecutable(p)) {
                throw new IllegalStateException(BINARY_PROPERTY + "=" + prop + " is not an executable file");
            }
            return p;
        }
        for (Path dir = Paths.get("").toAbsolutePath(); dir != null; dir = dir.getParent()) {
            Path p = dir.resolve(RELATIVE_BINARY);
            if (Files.isExecutable(p)) {
                return p;
            }
        }
        throw new IllegalStateException("azurite-blob not found (" + RELATIVE_BINARY + " or -D" + BINARY_PROPERTY
                + "): run tests/run (the project's test command; tests/setup installs it with"
                + " `npm install --prefix tests/.tools azurite@3.37.0`)");
    }

    private void awaitListening() throws IOException, InterruptedException {
        long deadline = System.currentTimeMillis() + START_TIMEOUT_MS;
        while (System.currentTimeMillis() < deadline) {
            if (!process.isAlive()) {
                throw new IOException("azurite-blob exited with " + process.exitValue() + "; see " + log);
            }
            try (Socket s = new Socket()) {
                s.connect(new InetSocketAddress("127.0.0.1", port), 500);
                return;
            } catch (IOException notYet) {
                Thread.sleep(100);
            }
        }
        throw new IOException("azurite-blob did not listen on 127.0.0.1:" + port + " within "
                + START_TIMEOUT_MS + " ms; see " + log);
    }

    /** A 127.0.0.1 port that was free a moment ago (bound and closed). */
    public static int freePort() throws IOException {
        try (ServerSocket s = new ServerSocket()) {
            s.setReuseAddress(true);
            s.bind(new InetSocketAddress("127.0.0.1", 0));
            return s.getLocalPort();
        }
    }

    public int port() {
        return port;
    }

    /** The blob endpoint, {@code http://127.0.0.1:PORT/devstoreaccount1}. */
    public String endpoint() {
        return "http://127.0.0.1:" + port + "/" + ACCOUNT;
    }

    public String account() {
        return ACCOUNT;
    }

    public String key() {
        return KEY;
    }

    /** A connection to {@code container} with the development account's key. */
    public ConnectionSpec spec(String container) {
        return ConnectionSpec.of(Provider.AZURE, container).withEndpoint(endpoint())
                .withAzureAccount(ACCOUNT, KEY, null);
    }

    /**
     * An account SAS of the development account (signed with its well-known key) for the blob service, allowing
     * {@code permissions} (e.g. {@code "rl"}: read and list; {@code "rwdlac"}: everything) on every container and
     * blob, valid for an hour. No leading {@code ?}.
     */
    public String accountSas(String permissions) {
        return admin().generateAccountSas(new com.azure.storage.common.sas.AccountSasSignatureValues(
                java.time.OffsetDateTime.now().plusHours(1),
                com.azure.storage.common.sas.AccountSasPermission.parse(permissions),
                com.azure.storage.common.sas.AccountSasService.parse("b"),
                com.azure.storage.common.sas.AccountSasResourceType.parse("sco")));
    }

    /** Creates a new, empty container and returns its name. */
    public String createContainer() {
        String name = "c" + ProcessHandle.current().pid() + "-" + CONTAINERS.incrementAndGet();
        admin().createBlobContainer(name);
        return name;
    }

    private synchronized BlobServiceClient admin() {
        if (admin == null) {
            admin = new BlobServiceClientBuilder()
                    .endpoint(endpoint())
                    .credential(new StorageSharedKeyCredential(ACCOUNT, KEY))
                    .httpClient(new JdkHttpClientBuilder().build())
                    .buildClient();
        }
        return admin;
    }

    /** A store over a new, empty container. */
    public AzureBlobObjectStore freshStore(BackendSettings settings) {
        return new AzureBlobObjectStore(spec(createContainer()), settings);
    }

    /** Stops Azurite (its whole process tree) and removes its data. */
    @Override
    public void close() {
        process.descendants().forEach(ProcessHandle::destroy);
        process.destroy();
        try {
            if (!process.waitFor(10, TimeUnit.SECONDS)) {
                process.descendants().forEach(ProcessHandle::destroyForcibly);
                process.destroyForcibly().waitFor(10, TimeUnit.SECONDS);
            }
        } catch (InterruptedException e) {
            process.destroyForcibly();
            Thread.currentThread().interrupt();
        }
        try (Stream<Path> files = Files.walk(dataDir)) {
            files.sorted(Comparator.reverseOrder()).forEach(p -> p.toFile().delete());
        } catch (IOException ignored) {
            // a temp directory left behind is harmless
        }
    }
}
