package io.bucketfs.gateway;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import io.bucketfs.gateway.admin.AdminServer;
import io.bucketfs.gateway.state.StateStore;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/** The admin API's own rules: token, JSON errors naming the field, nothing changed by a refused call. */
@Timeout(value = 60, unit = TimeUnit.SECONDS)
class AdminApiTest {

    @TempDir
    Path dir;

    private final HttpClient http = HttpClient.newHttpClient();

    private HttpResponse<String> call(AdminServer a, String token, String method, String path, String body)
            throws Exception {
        HttpRequest.Builder b = HttpRequest.newBuilder(URI.create(a.url() + path)).method(method,
                body == null ? HttpRequest.BodyPublishers.noBody() : HttpRequest.BodyPublishers.ofString(body));
        if (token != null) {
            b.header("Authorization", "Bearer " + token);
        }
        return http.send(b.build(), HttpResponse.BodyHandlers.ofString());
    }

    private static JsonNode error(HttpResponse<String> r) throws Exception {
        return StateStore.JSON.readTree(r.body()).get("error");
    }

    @Test
    void tokenFieldNamingErrorsAndNothingChanged() throws Exception {
        GatewayConfig cfg = new GatewayConfig(dir.resolve("data"), null);
        try (Gateway g = Gateway.start(cfg)) {
            AdminServer a = g.startAdmin(0);
            Path tokenFile = cfg.dataDir().resolve(AdminServer.TOKEN_FILE);
            assertEquals("rw-------", PosixFilePermissions.toString(Files.getPosixFilePermissions(tokenFile)));
            assertEquals(a.url(), Files.readString(cfg.dataDir().resolve(AdminServer.ENDPOINT_FILE)).trim());
            assertTrue(a.url().startsWith("http://127.0.0.1:"));
            java.util.List<String> bound = listeners(a.port());
            assertTrue(!bound.isEmpty() && bound.stream().allMatch(x -> x.equals("0100007F")
                    || x.equals("0000000000000000FFFF00000100007F")), "the kernel's word: 127.0.0.1 only: " + bound);
            String token = Files.readString(tokenFile, StandardCharsets.US_ASCII).trim();

            assertEquals(401, call(a, null, "GET", "/v1/mounts", null).statusCode());
            HttpResponse<String> r = call(a, token + "x", "GET", "/v1/mounts", null);
            assertEquals(401, r.statusCode());
            assertEquals("authorization", error(r).get("field").asText());
            assertEquals(200, call(a, token, "GET", "/v1/mounts", null).statusCode());

            r = call(a, token, "POST", "/v1/buckets", "{\"name\": \"ok-name\", \"colour\": \"red\"}");
            assertEquals(400, r.statusCode());
            assertEquals("colour", error(r).get("field").asText());
            r = call(a, token, "POST", "/v1/mounts", "{\"bucket\": \"nope\", \"nfs-clients\": \"10.0.0.0/8\"}");
            assertEquals(400, r.statusCode(), r.body());
            assertEquals("nfs-clients", error(r).get("field").asText());
            r = call(a, token, "POST", "/v1/mounts", "{\"bucket\": \"nope\"}");
            assertEquals(404, r.statusCode());
            assertEquals("bucket", error(r).get("field").asText());
            r = call(a, token, "POST", "/v1/buckets", "{\"name\": ");
            assertEquals(400, r.statusCode());
            r = call(a, token, "POST", "/v1/buckets", "x".repeat(AdminServer.MAX_BODY_BYTES + 1));
            assertEquals("body", error(r).get("field").asText());
            r = call(a, token, "GET", "/v1/frobs", null);
            assertEquals(404, r.statusCode());
            assertEquals("path", error(r).get("field").asText());
            r = call(a, token, "POST", "/v1/users", "{\"name\": \"eve\", \"nt-hash\": \"plaintext\"}");
            assertEquals("nt-hash", error(r).get("field").asText());
            assertEquals(0, g.state().get().users().size() + g.state().get().buckets().size()
                    + g.state().get().mounts().size(), "refused calls changed nothing");

            assertEquals(201, call(a, token, "POST", "/v1/buckets", "{\"name\": \"ok-name\"}").statusCode());
            r = call(a, token, "POST", "/v1/buckets", "{\"name\": \"ok-name\"}");
            assertEquals(409, r.statusCode());
            assertEquals("name", error(r).get("field").asText());
        }
        assertTrue(!Files.exists(cfg.dataDir().resolve(AdminServer.ENDPOINT_FILE)), "a stopped gateway says so");
    }

    /**
     * Path traversal through the admin API (the CLI's only way in): bucket and mount names and mount prefixes that
     * would leave their place ({@code ..}, absolute, NUL, separators) are refused naming the field, and nothing is
     * made — no state, no directory beside the buckets.
     */
    @Test
    void traversalInBucketNamesMountNamesAndPrefixesIsRefused() throws Exception {
        GatewayConfig cfg = new GatewayConfig(dir.resolve("data"), null);
        try (Gateway g = Gateway.start(cfg)) {
            AdminServer a = g.startAdmin(0);
            String token = Files.readString(cfg.dataDir().resolve(AdminServer.TOKEN_FILE), StandardCharsets.US_ASCII)
                    .trim();
            java.util.Set<Path> before = listing(cfg.dataDir());
            for (String name : java.util.List.of("..", "../escape", "a/../../escape", "/etc", "a/b", "nul\0x",
                    "..\\escape", "x".repeat(64))) {
                String json = StateStore.JSON.writeValueAsString(java.util.Map.of("name", name));
                HttpResponse<String> r = call(a, token, "POST", "/v1/buckets", json);
                assertEquals(400, r.statusCode(), name + ": " + r.body());
                assertEquals("name", error(r).get("field").asText());
                r = call(a, token, "POST", "/v1/mounts", StateStore.JSON.writeValueAsString(
                        java.util.Map.of("name", name, "bucket", "default")));
                assertEquals(400, r.statusCode(), name + ": " + r.body());
                assertEquals("name", error(r).get("field").asText());
            }
            assertEquals(201, call(a, token, "POST", "/v1/buckets", "{\"name\": \"data\"}").statusCode());
            for (String prefix : java.util.List.of("../", "a/../", "../../etc/", "/abs/", "a//", "./", "a/./",
                    "nul\0/", "no-slash")) {
                HttpResponse<String> r = call(a, token, "POST", "/v1/mounts", StateStore.JSON.writeValueAsString(
                        java.util.Map.of("name", "m", "bucket", "data", "prefix", prefix)));
                assertEquals(400, r.statusCode(), prefix + ": " + r.body());
                assertEquals("prefix", error(r).get("field").asText());
            }
            assertEquals(0, g.state().get().mounts().size(), "no mount was made");
            java.util.Set<Path> after = listing(cfg.dataDir());
            after.removeAll(before);
            assertTrue(after.contains(Path.of("buckets", "data")), after::toString);
            for (Path p : after) {
                assertTrue(p.startsWith(Path.of("buckets", "data")) || p.equals(Path.of(StateStore.FILE)),
                        "only the bucket that was asked for (and the state): " + p);
            }
        }
    }

    /**
     * The local addresses (hex, as {@code /proc/net/tcp} and {@code tcp6} write them) of the sockets listening on
     * {@code port}.
     */
    private static java.util.List<String> listeners(int port) throws Exception {
        java.util.List<String> out = new java.util.ArrayList<>();
        for (String table : java.util.List.of("/proc/net/tcp", "/proc/net/tcp6")) {
            for (String line : Files.readAllLines(Path.of(table))) {
                String[] f = line.trim().split("\\s+");
                if (f.length > 3 && f[3].equals("0A") && f[1].endsWith(String.format(":%04X", port))) {
                    out.add(f[1].substring(0, f[1].indexOf(':')));
                }
            }
        }
        return out;
    }

    /** Every path below {@code root}, relative to it. */
    private static java.util.Set<Path> listing(Path root) throws Exception {
        try (java.util.stream.Stream<Path> s = Files.walk(root)) {
            return s.map(root::relativize).collect(java.util.stream.Collectors.toCollection(java.util.HashSet::new));
        }
    }
}
