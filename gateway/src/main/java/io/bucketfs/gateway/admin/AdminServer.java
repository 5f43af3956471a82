package io.bucketfs.gateway.admin;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonMappingException;
import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpServer;
import io.bucketfs.gateway.control.ControlPlane;
import io.bucketfs.gateway.control.Requests;
import io.bucketfs.gateway.state.AtomicFiles;
import io.bucketfs.gateway.state.FieldException;
import io.bucketfs.gateway.state.StateStore;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.URLDecoder;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.security.SecureRandom;
import java.util.HexFormat;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.TimeUnit;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The admin API: JSON over HTTP on 127.0.0.1 only, every call authenticated with the bearer token in
 * {@value #TOKEN_FILE} (mode 0600, in the data directory, made at the first start); the CLI is its client and
 * finds the port in {@value #ENDPOINT_FILE}.
 *
 * <h2>Calls</h2>
 * <pre>
 *   GET    /v1/connections              POST /v1/connections        (Requests.Connection)
 *   GET    /v1/connections/NAME         DELETE /v1/connections/NAME
 *   POST   /v1/connections/NAME/test    (Requests.Test)
 *   GET    /v1/buckets                  POST /v1/buckets            (Requests.Bucket)   DELETE /v1/buckets/NAME
 *   GET    /v1/users                    POST /v1/users              (Requests.User)     DELETE /v1/users/NAME
 *   PUT    /v1/users/NAME/password      (Requests.User, name ignored)
 *   GET    /v1/mounts                   POST /v1/mounts             (Requests.Mount)
 *   GET    /v1/mounts/NAME              DELETE /v1/mounts/NAME
 *   POST   /v1/sync                     (Requests.Sync: the write-back barrier)
 *   GET    /v1/status                   per mount: cache, hit ratio, dirty bytes, upload queue, backend traffic
 *   POST   /v1/preload                  (Requests.Preload: starts a cache warm-up, 202)   GET /v1/preload/ID (progress)
 *   GET    /metrics                     Prometheus text format, <b>without</b> the token (see below)
 * </pre>
 * {@code /metrics} needs no token because Prometheus scrapers carry none: it is as reachable as the API itself
 * (127.0.0.1 only), and it tells counts and latencies, never a name of a file, a key or a secret (mount names
 * are labels).
 * Answers are JSON. A refusal is {@code {"error": {"field": F, "message": M}}} with a 4xx status (400 malformed,
 * 401 no or wrong token, 404 unknown, 409 taken or in use, 422 the backend said no, 503 not now) and nothing
 * changed; a server fault is a 500 whose details are only in the gateway's log. Request bodies (which may carry
 * secrets on their way to the vault) are never logged.
 */
public final class AdminServer implements AutoCloseable {

    /** The default port of {@code serve --admin-port}. */
    public static final int DEFAULT_PORT = 7070;
    /** The bearer token's file in the data directory. */
    public static final String TOKEN_FILE = "admin-token";
    /** Where a running gateway writes its admin URL ({@code http://127.0.0.1:PORT}), for the CLI. */
    public static final String ENDPOINT_FILE = "admin-endpoint";
    /** The largest request body accepted. */
    public static final int MAX_BODY_BYTES = 64 * 1024;

    private static final Logger LOG = LoggerFactory.getLogger(AdminServer.class);

    private final HttpServer http;
    private final ExecutorService pool;
    private final ControlPlane control;
    private final byte[] token;
    private final Path endpointFile;

    private AdminServer(HttpServer http, ExecutorService pool, ControlPlane control, byte[] token, Path endpointFile) {
        this.http = http;
        this.pool = pool;
        this.control = control;
        this.token = token;
        this.endpointFile = endpointFile;
    }

    /** Calls served at once; more wait in line. */
    static final int THREADS = 16;

    /**
     * Listens on 127.0.0.1:{@code port} (0: a free one), reading or creating the token file, and writes the
     * endpoint file. A port that cannot be bound is an IOException naming it.
     */
    public static AdminServer start(Path dataDir, int port, ControlPlane control) throws IOException {
        byte[] token = loadOrCreateToken(dataDir.resolve(TOKEN_FILE));
        HttpServer http;
        try {
            http = HttpServer.create(new InetSocketAddress(InetAddress.getLoopbackAddress(), port), 16);
        } catch (IOException e) {
            throw new IOException("cannot listen on 127.0.0.1:" + port + ": " + e.getMessage(), e);
        }
        // a call may wait on the gateway for a long time (sync: up to its timeout; a mount delete: its flush), so
        // one thread per call up to THREADS, made as needed and let go when idle: long calls do not hold up others
        // or a metrics scrape
        java.util.concurrent.ThreadPoolExecutor pool = new java.util.concurrent.ThreadPoolExecutor(THREADS, THREADS,
                30, java.util.concurrent.TimeUnit.SECONDS, new java.util.concurrent.LinkedBlockingQueue<>(), r -> {
                    Thread t = new Thread(r, "bucketfs-admin");
                    t.setDaemon(true);
                    return t;
                });
        pool.allowCoreThreadTimeOut(true);
        http.setExecutor(pool);
        AdminServer s = new AdminServer(http, pool, control, token, dataDir.resolve(ENDPOINT_FILE));
        http.createContext("/", s::handle);
        http.start();
        AtomicFiles.replace(s.endpointFile, (s.url() + "\n").getBytes(StandardCharsets.US_ASCII));
        LOG.info("admin API listening on {} (token in {})", s.url(), dataDir.resolve(TOKEN_FILE));
        return s;
    }

    public int port() {
        return http.getAddress().getPort();
    }

    public String url() {
        return "http://127.0.0.1:" + port();
    }

    private static byte[] loadOrCreateToken(Path file) throws IOException {
        if (!Files.exists(file)) {
            byte[] raw = new byte[32];
            new SecureRandom().nextBytes(raw);
            AtomicFiles.replace(file, (HexFormat.of().formatHex(raw) + "\n").getBytes(StandardCharsets.US_ASCII));
        }
        String perms = java.nio.file.attribute.PosixFilePermissions.toString(Files.getPosixFilePermissions(file));
        if (!perms.substring(3).equals("------")) {
            throw new io.bucketfs.gateway.cli.CliException("admin-token: " + file + " has mode " + perms
                    + "; it must be readable by its owner only (chmod 600)");
        }
        String t = Files.readString(file, StandardCharsets.US_ASCII).trim();
        if (t.length() < 32) {
            throw new io.bucketfs.gateway.cli.CliException("admin-token: " + file + " is too short; delete it to "
                    + "have a new one made");
        }
        return t.getBytes(StandardCharsets.US_ASCII);
    }

    private void handle(HttpExchange x) throws IOException {
        long t0 = System.nanoTime();
        String method = x.getRequestMethod();
        String path = x.getRequestURI().getRawPath();
        if (path.equals("/metrics")) {
            metrics(x, method);
            return;
        }
        int status;
        try {
            if (!authorized(x)) {
                status = send(x, 401, error("authorization", "missing or wrong bearer token (see "
                        + TOKEN_FILE + " in the data directory)"));
            } else {
                Object body = route(method, path, x);
                status = send(x, !method.equals("POST") || path.endsWith("/test") || path.endsWith("/sync") ? 200
                        : path.endsWith("/preload") ? 202 : 201, body);
            }
        } catch (FieldException e) {
            status = send(x, e.kind().status(), error(e.field(), e.getMessage()));
            LOG.warn("admin {} {}: {} {}", method, path, status, e.line());
        } catch (JsonMappingException e) {
            status = send(x, 400, error(StateStore.path(e), e.getOriginalMessage().split("\n", 2)[0]));
        } catch (JsonProcessingException e) {
            status = send(x, 400, error("body", "not JSON: " + e.getOriginalMessage().split("\n", 2)[0]));
        } catch (io.bucketfs.gateway.vault.VaultException e) {
            LOG.error("admin {} {}: {}", method, path, e.getMessage());
            status = send(x, 500, error("vault", e.getMessage()));
        } catch (RuntimeException | IOException e) {
            LOG.error("admin {} {} failed", method, path, e);
            status = send(x, 500, error("(server)", "internal error (" + e.getClass().getSimpleName()
                    + "); see the gateway log"));
        } finally {
            x.close();
        }
        if (method.equals("GET") && path.startsWith("/v1/preload/")) { // polled by the CLI's progress display
            LOG.debug("admin {} {} -> {} in {} ms", method, path, status, (System.nanoTime() - t0) / 1_000_000);
        } else {
            LOG.info("admin {} {} -> {} in {} ms", method, path, status, (System.nanoTime() - t0) / 1_000_000);
        }
    }

    /** {@code GET /metrics}: no token, no log line per scrape (a scraper calls every few seconds). */
    private void metrics(HttpExchange x, String method) throws IOException {
        try {
            if (!method.equals("GET")) {
                send(x, 405, error("method", "only GET"));
                return;
            }
            byte[] out = control.metrics().getBytes(StandardCharsets.UTF_8);
            x.getResponseHeaders().set("Content-Type", "text/plain; version=0.0.4; charset=utf-8");
            x.sendResponseHeaders(200, out.length);
            try (OutputStream o = x.getResponseBody()) {
                o.write(out);
            }
        } catch (RuntimeException e) {
            LOG.error("GET /metrics failed", e);
            send(x, 500, error("(server)", "internal error; see the gateway log"));
        } finally {
            x.close();
        }
    }

    private boolean authorized(HttpExchange x) {
        String h = x.getRequestHeaders().getFirst("Authorization");
        if (h == null || !h.startsWith("Bearer ")) {
            return false;
        }
        return MessageDigest.isEqual(h.substring(7).trim().getBytes(StandardCharsets.US_ASCII), token);
    }

    private Object route(String method, String rawPath, HttpExchange x) throws IOException {
        String[] p = rawPath.replaceAll("/+$", "").split("/");
        if (p.length < 3 || !p[0].isEmpty() || !p[1].equals("v1")) {
            throw new FieldException(FieldException.Kind.NOT_FOUND, "path", "no such call: " + rawPath);
        }
        String name = p.length > 3 ? URLDecoder.decode(p[3], StandardCharsets.UTF_8) : null;
        String sub = p.length > 4 ? p[4] : null;
        if (p.length > 5) {
            throw new FieldException(FieldException.Kind.NOT_FOUND, "path", "no such call: " + rawPath);
        }
        String call = method + " " + p[2] + (name == null ? "" : "/*") + (sub == null ? "" : "/" + sub);
        switch (call) {
            case "GET connections": return control.listConnections();
            case "POST connections": return control.createConnection(body(x, Requests.Connection.class));
            case "GET connections/*": return control.showConnection(name);
            case "DELETE connections/*": control.deleteConnection(name); return deleted(name);
            case "POST connections/*/test":
                return control.testConnection(name, Boolean.TRUE.equals(body(x, Requests.Test.class).readWrite()));
            case "GET buckets": return control.listBuckets();
            case "POST buckets": return control.createBucket(body(x, Requests.Bucket.class));
            case "DELETE buckets/*": control.deleteBucket(name); return deleted(name);
            case "GET users": return control.listUsers();
            case "POST users": return control.addUser(body(x, Requests.User.class));
            case "DELETE users/*": control.deleteUser(name); return deleted(name);
            case "PUT users/*/password": return control.setPassword(name, body(x, Requests.User.class));
            case "POST sync": return control.sync(body(x, Requests.Sync.class));
            case "GET status": return control.status();
            case "POST preload": return control.startPreload(body(x, Requests.Preload.class));
            case "GET preload/*": return control.preload(name);
            case "GET mounts": return control.listMounts();
            case "POST mounts": return control.createMount(body(x, Requests.Mount.class));
            case "GET mounts/*": return control.showMount(name);
            case "DELETE mounts/*": control.deleteMount(name); return deleted(name);
            default:
                throw new FieldException(FieldException.Kind.NOT_FOUND, "path", "no such call: " + method + " "
                        + rawPath);
        }
    }

    private static <T> T body(HttpExchange x, Class<T> type) throws IOException {
        byte[] b;
        try (InputStream in = x.getRequestBody()) {
            b = in.readNBytes(MAX_BODY_BYTES + 1);
        }
        if (b.length > MAX_BODY_BYTES) {
            throw FieldException.invalid("body", "larger than " + MAX_BODY_BYTES + " bytes");
        }
        if (b.length == 0) {
            throw FieldException.invalid("body", "a JSON object is required");
        }
        T t = StateStore.JSON.readValue(b, type);
        if (t == null) {
            throw FieldException.invalid("body", "a JSON object is required");
        }
        return t;
    }

    private static Map<String, Object> deleted(String name) {
        return Map.of("deleted", name);
    }

    private static Map<String, Object> error(String field, String message) {
        Map<String, Object> e = new LinkedHashMap<>();
        e.put("field", field);
        e.put("message", message);
        return Map.of("error", e);
    }

    private static int send(HttpExchange x, int status, Object body) throws IOException {
        byte[] out = StateStore.JSON.writeValueAsBytes(body);
        x.getResponseHeaders().set("Content-Type", "application/json");
        x.sendResponseHeaders(status, out.length);
        try (OutputStream o = x.getResponseBody()) {
            o.write(out);
        }
        return status;
    }

    @Override
    public void close() {
        try {
            Files.deleteIfExists(endpointFile);
        } catch (IOException e) {
            LOG.warn("cannot delete {}: {}", endpointFile, e.toString());
        }
        http.stop(1);
        pool.shutdownNow();
        control.close();
        try {
            pool.awaitTermination(5, TimeUnit.SECONDS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }
}
