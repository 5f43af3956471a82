package io.bucketfs.gateway;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * A TCP relay in front of an HTTP server that records what clients send, to prove which requests a client made.
 * Bytes pass unchanged (so AWS signatures, which cover the Host header the client chose, still verify). A
 * {@linkplain #beforeForwarding hook} sees each request line before its bytes go on and may hold them (block), to
 * prove what a client does while a request has not reached the server. (A request line is seen when it arrives
 * whole in one read, as the HTTP clients used here write their headers.)
 */
final class RecordingRelay implements AutoCloseable {

    private static final Pattern REQUEST_LINE = Pattern.compile(
            "(?m)^(GET|HEAD|PUT|POST|DELETE|PATCH|OPTIONS) (\\S+) HTTP/1\\.[01]\r?$");

    private final ServerSocket server;
    private final int targetPort;
    private final ByteArrayOutputStream sent = new ByteArrayOutputStream();
    private final List<Socket> sockets = new ArrayList<>();
    private volatile java.util.function.Consumer<String> hook = line -> { };

    RecordingRelay(int port, int targetPort) throws IOException {
        this.server = new ServerSocket(port, 50, InetAddress.getLoopbackAddress());
        this.targetPort = targetPort;
        Thread t = new Thread(this::accept, "recording-relay");
        t.setDaemon(true);
        t.start();
    }

    int port() {
        return server.getLocalPort();
    }

    /**
     * Calls {@code h} with each request line ({@code METHOD path}) that arrives from now on, on the connection's
     * relay thread before the request is forwarded: while {@code h} blocks, the request waits.
     */
    void beforeForwarding(java.util.function.Consumer<String> h) {
        this.hook = java.util.Objects.requireNonNull(h);
    }

    private void accept() {
        while (!server.isClosed()) {
            try {
                Socket client = server.accept();
                Socket target = new Socket(InetAddress.getLoopbackAddress(), targetPort);
                synchronized (sockets) {
                    sockets.add(client);
                    sockets.add(target);
                }
                pump(client.getInputStream(), target.getOutputStream(), true);
                pump(target.getInputStream(), client.getOutputStream(), false);
            } catch (IOException e) {
                return; // closed
            }
        }
    }

    private void pump(InputStream in, OutputStream out, boolean record) {
        Thread t = new Thread(() -> {
            byte[] b = new byte[16384];
            try {
                for (int n; (n = in.read(b)) > 0; ) {
                    if (record) {
                        synchronized (sent) {
                            sent.write(b, 0, n);
                        }
                        Matcher m = REQUEST_LINE.matcher(new String(b, 0, n, StandardCharsets.ISO_8859_1));
                        while (m.find()) {
                            hook.accept(m.group(1) + " " + m.group(2));
                        }
                    }
                    out.write(b, 0, n);
                    out.flush();
                }
            } catch (IOException e) {
                // a side closed
            } finally {
                try {
                    out.close();
                } catch (IOException e) {
                    // closing anyway
                }
            }
        }, "recording-relay-pump");
        t.setDaemon(true);
        t.start();
    }

    /** The start of what was recorded (for failure messages). */
    String raw() {
        synchronized (sent) {
            String all = sent.toString(StandardCharsets.ISO_8859_1);
            return all.substring(0, Math.min(all.length(), 600));
        }
    }

    /** The request lines ({@code METHOD path}) clients sent so far. */
    List<String> requests() {
        String all;
        synchronized (sent) {
            all = sent.toString(StandardCharsets.ISO_8859_1);
        }
        List<String> out = new ArrayList<>();
        Matcher m = REQUEST_LINE.matcher(all);
        while (m.find()) {
            out.add(m.group(1) + " " + m.group(2));
        }
        return out;
    }

    @Override
    public void close() throws IOException {
        server.close();
        synchronized (sockets) {
            for (Socket s : sockets) {
                s.close();
            }
        }
    }
}
