package io.bucketfs.tests.servers;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.bucketfs.tests.vm.TestVm;
import java.io.IOException;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/**
 * The ganesha launcher as the benchmarks use it: on the host's loopback, NFSv4.0 allowed so libnfs (4.0 only)
 * can read, and kill/restart keep serving the same directory. Needs root and tests/setup (nfs-ganesha,
 * libnfs-utils).
 */
@Timeout(value = 120, unit = TimeUnit.SECONDS)
class GaneshaLauncherTest {

    @TempDir
    Path dir;

    @Test
    void servesTheDirectoryOnLoopbackAndSurvivesKillAndRestart() throws Exception {
        Path data = Files.createDirectories(dir.resolve("export"));
        Files.writeString(data.resolve("hello.txt"), "hello from the host\n");
        int port = ServerLauncher.freePort();
        try (ServerLauncher.Running ganesha = ServerLauncher.GANESHA.start(TestVm.repoRootFromProperty(),
                dir.resolve("state"), data, port, Map.of("GANESHA_MINOR_VERSIONS", "0, 1, 2"))) {
            assertEquals("hello from the host\n", nfsCat(port, "hello.txt"));
            ganesha.kill();
            assertTrue(!accepts(port), "port " + port + " still accepts after kill");
            ganesha.restart();
            assertEquals("hello from the host\n", nfsCat(port, "hello.txt"));
        }
        assertTrue(!accepts(port), "port " + port + " still accepts after stop");
    }

    private static String nfsCat(int port, String path) throws IOException, InterruptedException {
        Process p = new ProcessBuilder(List.of("nfs-cat",
                "nfs://127.0.0.1/default/" + path + "?version=4&nfsport=" + port)).redirectErrorStream(true).start();
        String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        assertTrue(p.waitFor(60, TimeUnit.SECONDS), "nfs-cat hangs");
        assertEquals(0, p.exitValue(), "nfs-cat: " + out);
        return out;
    }

    private static boolean accepts(int port) {
        try (Socket s = new Socket()) {
            s.connect(new InetSocketAddress("127.0.0.1", port), 1000);
            return true;
        } catch (IOException e) {
            return false;
        }
    }
}
