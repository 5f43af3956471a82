package io.bucketfs.gateway.cli;

import com.fasterxml.jackson.databind.JsonNode;
import io.bucketfs.gateway.admin.AdminServer;
import io.bucketfs.gateway.state.StateStore;
import java.io.IOException;
import java.net.ConnectException;
import java.net.URI;
import java.net.URLEncoder;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.time.Duration;

/**
 * The CLI's side of the admin API: finds the running gateway of a data directory through
 * {@link AdminServer#ENDPOINT_FILE} and {@link AdminServer#TOKEN_FILE}, sends JSON, and turns a refusal into a
 * one-line {@link CliException} naming the field.
 */
final class AdminClient {

    /**
     * How long a call may take unless it says otherwise: long enough for a mount delete to flush
     * ({@link io.bucketfs.gateway.control.ControlPlane#DELETE_FLUSH_TIMEOUT}). A call that waits on the gateway for
     * longer, such as {@code sync}, gives its own bound.
     */
    static final Duration TIMEOUT = Duration.ofSeconds(120);

    private final HttpClient http = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5)).build();
    private final Path dataDir;
    private final URI base;
    private final String token;

    private AdminClient(Path dataDir, URI base, String token) {
        this.dataDir = dataDir;
        this.base = base;
        this.token = token;
    }

    static AdminClient of(Path dataDir) {
        Path d = dataDir.toAbsolutePath().normalize();
        String url;
        String token;
        try {
            url = Files.readString(d.resolve(AdminServer.ENDPOINT_FILE), StandardCharsets.US_ASCII).trim();
        } catch (NoSuchFileException e) {
            throw notRunning(d);
        } catch (IOException e) {
            throw new CliException("data-dir: cannot read " + d.resolve(AdminServer.ENDPOINT_FILE) + ": " + e);
        }
        try {
            token = Files.readString(d.resolve(AdminServer.TOKEN_FILE), StandardCharsets.US_ASCII).trim();
        } catch (IOException e) {
            throw new CliException("data-dir: cannot read the admin token " + d.resolve(AdminServer.TOKEN_FILE)
                    + " (" + e.getClass().getSimpleName() + "; run as the gateway's user)");
        }
        return new AdminClient(d, URI.create(url), token);
    }

    private static CliException notRunning(Path d) {
        return new CliException("data-dir: no gateway is running on " + d + " (start one with 'bucketfs serve "
                + "--data-dir " + d + "')");
    }

    static String seg(String name) {
        return URLEncoder.encode(name, StandardCharsets.UTF_8).replace("+", "%20");
    }

    JsonNode get(String path) {
        return send("GET", path, null, TIMEOUT);
    }

    JsonNode post(String path, Object body) {
        return send("POST", path, body, TIMEOUT);
    }

    /** A POST the gateway may take up to {@code timeout} to answer. */
    JsonNode post(String path, Object body, Duration timeout) {
        return send("POST", path, body, timeout);
    }

    JsonNode put(String path, Object body) {
        return send("PUT", path, body, TIMEOUT);
    }

    JsonNode delete(String path) {
        return send("DELETE", path, null, TIMEOUT);
    }

    private JsonNode send(String method, String path, Object body, Duration timeout) {
        HttpRequest.Builder b = HttpRequest.newBuilder(base.resolve(path)).timeout(timeout)
                .header("Authorization", "Bearer " + token).header("Accept", "application/json");
        try {
            if (body != null) {
                b.header("Content-Type", "application/json").method(method,
                        HttpRequest.BodyPublishers.ofByteArray(StateStore.JSON.writeValueAsBytes(body)));
            } else {
                b.method(method, HttpRequest.BodyPublishers.noBody());
            }
            HttpResponse<byte[]> r = http.send(b.build(), HttpResponse.BodyHandlers.ofByteArray());
            JsonNode json = r.body().length == 0 ? null : StateStore.JSON.readTree(r.body());
            if (r.statusCode() >= 400) {
                JsonNode e = json == null ? null : json.get("error");
                if (e == null) {
                    throw new CliException("the gateway answered HTTP " + r.statusCode());
                }
                throw new CliException(e.path("field").asText() + ": " + e.path("message").asText());
            }
            return json;
        } catch (ConnectException e) {
            throw notRunning(dataDir);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new CliException("interrupted");
        } catch (IOException e) {
            throw new CliException("admin API at " + base + ": " + e.getMessage(), e);
        }
    }
}
