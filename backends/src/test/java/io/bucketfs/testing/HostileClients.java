package io.bucketfs.testing;

import java.io.IOException;
import java.net.Socket;
import java.net.SocketException;
import java.net.SocketTimeoutException;
import java.util.Random;
import java.util.concurrent.TimeUnit;
import java.util.function.IntSupplier;

/** What the protocols' hostile-connection tests share: random payloads, seeing a close, waiting for a count. */
public final class HostileClients {

    private HostileClients() {
    }

    public static byte[] randomBytes(Random rnd, int n) {
        byte[] b = new byte[n];
        rnd.nextBytes(b);
        return b;
    }

    /** Whether the peer closed (or reset) the connection before the socket's read timeout. */
    public static boolean closedByPeer(Socket s) throws IOException {
        try {
            return s.getInputStream().read() < 0;
        } catch (SocketException e) {
            return true;
        } catch (SocketTimeoutException e) {
            return false;
        }
    }

    /** Polls {@code value} until it equals {@code expected} or {@code seconds} pass; returns its last value. */
    public static int await(IntSupplier value, int expected, long seconds) throws InterruptedException {
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(seconds);
        int v = value.getAsInt();
        while (v != expected && System.nanoTime() < deadline) {
            Thread.sleep(20);
            v = value.getAsInt();
        }
        return v;
    }
}
