package io.bucketfs.gateway.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.sun.net.httpserver.HttpServer;
import io.bucketfs.gateway.admin.AdminServer;
import io.bucketfs.gateway.control.ControlPlane;
import io.bucketfs.gateway.control.Requests;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/**
 * {@code bucketfs sync} waits for the gateway as long as its own {@code --timeout} plus 30 s for the answer, not
 * the CLI's usual call bound ({@link AdminClient#TIMEOUT}), and the admin client honours a call's own bound: a
 * server slower than it cuts the call with one line, a bound long enough gets the answer.
 */
@Timeout(value = 60, unit = TimeUnit.SECONDS)
class SyncTimeoutTest {

    @TempDir
    Path dir;

    private static SyncCommand sync(Integer timeout) {
        SyncCommand c = new SyncCommand();
        c.timeout = timeout;
        return c;
    }

    @Test
    void syncWaitsItsOwnTimeoutPlusTimeToAnswer() {
        assertEquals(Duration.ofSeconds(ControlPlane.DEFAULT_SYNC_SECONDS + 30L), sync(null).answerWithin());
        assertEquals(Duration.ofSeconds(3630), sync(3600).answerWithin());
        assertTrue(sync(3600).answerWithin().compareTo(AdminClient.TIMEOUT) > 0,
                "an hour's sync outlives the usual call bound");
        assertEquals(Duration.ofSeconds(ControlPlane.MAX_SYNC_SECONDS + 30L),
                sync(ControlPlane.MAX_SYNC_SECONDS).answerWithin());
        assertEquals(Duration.ofSeconds(31), sync(0).answerWithin(), "the gateway refuses 0; the bound stays sane");
    }

    @Test
    void aCallsOwnBoundIsHonoured() throws Exception {
        HttpServer slow = HttpServer.create(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0), 0);
        slow.createContext("/v1/sync", x -> {
            try {
                Thread.sleep(1500); // a sync that takes a while
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
            byte[] b = "{\"synced\": \"m\"}".getBytes(StandardCharsets.UTF_8);
            x.sendResponseHeaders(200, b.length);
            x.getResponseBody().write(b);
            x.close();
        });
        slow.setExecutor(java.util.concurrent.Executors.newCachedThreadPool());
        slow.start();
        try {
            Files.writeString(dir.resolve(AdminServer.ENDPOINT_FILE), "http://127.0.0.1:" + slow.getAddress().getPort()
                    + "/\n");
            Files.writeString(dir.resolve(AdminServer.TOKEN_FILE), "t\n");
            AdminClient client = AdminClient.of(dir);
            CliException cut = assertThrows(CliException.class,
                    () -> client.post("/v1/sync", new Requests.Sync("m", 1), Duration.ofMillis(300)));
            assertTrue(cut.getMessage().startsWith("admin API at ") && cut.getMessage().contains("timed out")
                    && !cut.getMessage().contains("\n"), cut.getMessage());
            assertEquals("m", client.post("/v1/sync", new Requests.Sync("m", 1), Duration.ofSeconds(30))
                    .path("synced").asText());
        } finally {
            slow.stop(0);
        }
    }
}
