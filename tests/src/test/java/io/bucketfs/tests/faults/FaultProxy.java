package io.bucketfs.tests.faults;

import java.io.BufferedInputStream;
import java.io.ByteArrayOutputStream;
import java.io.EOFException;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.net.SocketException;
import java.nio.charset.StandardCharsets;
import java.util.EnumMap;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.atomic.AtomicLong;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * A fault-injecting HTTP/1.1 proxy in front of an S3 server (S3Proxy in the suites), a test tool: it reads each
 * request a client sends, and either relays it to the server and the answer back, byte for byte (so the client's
 * AWS signatures still verify), or injects one {@link Fault} instead, at the rates of the current {@link #plan}.
 * {@link #outage} makes it refuse everything (every connection reset at once) until it is lifted.
 *
 * <p>Message boundaries follow RFC 9112: a request body by Content-Length or chunked coding; {@code Expect:
 * 100-continue} answered by the proxy itself (and the server's interim answers dropped); a response body by HEAD,
 * 1xx/204/304, Content-Length, chunked coding or the end of the connection.
 */
public final class FaultProxy implements AutoCloseable {

    private static final Logger LOG = LoggerFactory.getLogger(FaultProxy.class);
    private static final int MAX_HEAD = 64 * 1024;

    /** What the proxy can do to one request instead of relaying it. */
    public enum Fault {
        /** 500 InternalError, an S3 error body; the connection stays usable. */
        INTERNAL_ERROR,
        /** 503 SlowDown, as S3 throttles. */
        SLOW_DOWN,
        /** The connection reset (TCP RST) once the request has arrived, before the server saw it. */
        RESET_BEFORE,
        /** The request done by the server, then the connection reset before the client saw the answer. */
        RESET_AFTER,
        /** No answer at all: the connection held silent for {@link Plan#stallMillis}, then closed. */
        STALL,
        /** The answer's head and half its body (the full length announced), then a reset. */
        TRUNCATE
    }

    /**
     * The rates of a run: each request meets fault {@code k} with probability {@code rates.get(k)} (their sum at
     * most 1).
     */
    public record Plan(Map<Fault, Double> rates, long stallMillis) {
        /** No faults. */
        public static final Plan NONE = new Plan(Map.of(), 0);

        /** {@code total} spread evenly over every fault. */
        public static Plan even(double total, long stallMillis) {
            Map<Fault, Double> m = new EnumMap<>(Fault.class);
            for (Fault f : Fault.values()) {
                m.put(f, total / Fault.values().length);
            }
            return new Plan(m, stallMillis);
        }

        /** Only {@code fault}, at {@code rate}. */
        public static Plan only(Fault fault, double rate, long stallMillis) {
            return new Plan(Map.of(fault, rate), stallMillis);
        }

        Fault pick() {
            double r = ThreadLocalRandom.current().nextDouble();
            for (Map.Entry<Fault, Double> e : rates.entrySet()) {
                r -= e.getValue();
                if (r < 0) {
                    return e.getKey();
                }
            }
            return null;
        }
    }

    private final ServerSocket server;
    private final int targetPort;
    private final Set<Socket> open = ConcurrentHashMap.newKeySet();
    private final Map<Fault, AtomicLong> injected = new EnumMap<>(Fault.class);
    private final AtomicLong relayed = new AtomicLong();
    private final AtomicLong refused = new AtomicLong();
    private volatile Plan plan = Plan.NONE;
    private volatile boolean outage;

    /** Listens on a free port of 127.0.0.1 and relays to {@code targetPort} there. */
    public FaultProxy(int targetPort) throws IOException {
        this.server = new ServerSocket(0, 128, InetAddress.getLoopbackAddress());
        this.targetPort = targetPort;
        for (Fault f : Fault.values()) {
            injected.put(f, new AtomicLong());
        }
        Thread t = new Thread(this::acceptLoop, "fault-proxy-accept");
        t.setDaemon(true);
        t.start();
    }

    public int port() {
        return server.getLocalPort();
    }

    public String endpoint() {
        return "http://127.0.0.1:" + port();
    }

    /** Faults from now on, at these rates. */
    public void plan(Plan p) {
        this.plan = p;
    }

    /**
     * {@code true}: the store is unreachable — every open connection reset, every new one reset on arrival;
     * {@code false}: back.
     */
    public void outage(boolean down) {
        this.outage = down;
        if (down) {
            for (Socket s : open) {
                reset(s);
            }
        }
    }

    /** Requests relayed untouched so far. */
    public long relayed() {
        return relayed.get();
    }

    /** How many requests met each fault so far, and connections refused in an outage (key "OUTAGE"). */
    public String counts() {
        StringBuilder b = new StringBuilder();
        injected.forEach((k, v) -> b.append(k.name().toLowerCase(Locale.ROOT)).append('=').append(v.get()).append(' '));
        return b.append("outage-refused=").append(refused.get()).append(" relayed=").append(relayed.get()).toString();
    }

    /** Requests that met {@code f} so far. */
    public long injected(Fault f) {
        return injected.get(f).get();
    }

    private void acceptLoop() {
        while (!server.isClosed()) {
            Socket client;
            try {
                client = server.accept();
            } catch (IOException e) {
                return; // closed
            }
            if (outage) {
                refused.incrementAndGet();
                reset(client);
                continue;
            }
            open.add(client);
            Thread t = new Thread(() -> serve(client), "fault-proxy-conn");
            t.setDaemon(true);
            t.start();
        }
    }

    /** One client connection and its own connection to the server, request after request. */
    private void serve(Socket client) {
        Socket upstream = null;
        InputStream uin = null;
        try (client) {
            InputStream cin = new BufferedInputStream(client.getInputStream());
            OutputStream cout = client.getOutputStream();
            while (true) {
                Http.Head req = Http.readHead(cin, MAX_HEAD);
                if (req == null) {
                    return; // the client closed between requests
                }
                if (req.expectsContinue()) {
                    cout.write("HTTP/1.1 100 Continue\r\n\r\n".getBytes(StandardCharsets.US_ASCII));
                    cout.flush();
                }
                byte[] body = Http.readBody(cin, req, false);
                if (outage) {
                    refused.incrementAndGet();
                    reset(client);
                    return;
                }
                Fault f = plan.pick();
                if (f != null) {
                    injected.get(f).incrementAndGet();
                }
                if (f == Fault.INTERNAL_ERROR || f == Fault.SLOW_DOWN) {
                    errorAnswer(cout, f);
                    continue;
                }
                if (f == Fault.RESET_BEFORE) {
                    reset(client);
                    return;
                }
                if (f == Fault.STALL) {
                    Thread.sleep(plan.stallMillis());
                    return;
                }
                if (upstream == null || upstream.isClosed()) {
                    upstream = new Socket(InetAddress.getLoopbackAddress(), targetPort);
                    open.add(upstream);
                    uin = new BufferedInputStream(upstream.getInputStream());
                }
                OutputStream uout = upstream.getOutputStream();
                uout.write(req.raw());
                uout.write(body);
                uout.flush();
                Http.Head resp;
                do {
                    resp = Http.readHead(uin, MAX_HEAD);
                    if (resp == null) {
                        throw new EOFException("the server closed the connection before answering");
                    }
                } while (resp.status() / 100 == 1); // the proxy answered 100-continue itself
                byte[] respBody = Http.readBody(uin, resp, "HEAD".equals(req.method()));
                if (f == Fault.RESET_AFTER) {
                    reset(client);
                    return;
                }
                if (f == Fault.TRUNCATE && respBody.length > 1) {
                    cout.write(resp.raw());
                    cout.write(respBody, 0, respBody.length / 2);
                    cout.flush();
                    reset(client);
                    return;
                }
                cout.write(resp.raw());
                cout.write(respBody);
                cout.flush();
                relayed.incrementAndGet();
                if (resp.closes() || req.closes()) {
                    return;
                }
                if (uin.available() > 0) { // stray bytes after the answer: start afresh
                    open.remove(upstream);
                    upstream.close();
                    upstream = null;
                }
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        } catch (SocketException | EOFException e) {
            LOG.debug("fault proxy: connection ended: {}", e.toString());
        } catch (IOException e) {
            LOG.debug("fault proxy: connection failed: {}", e.toString());
        } finally {
            open.remove(client);
            if (upstream != null) {
                open.remove(upstream);
                try {
                    upstream.close();
                } catch (IOException e) {
                    // closing anyway
                }
            }
        }
    }

    private static void errorAnswer(OutputStream out, Fault f) throws IOException {
        boolean slow = f == Fault.SLOW_DOWN;
        String xml = "<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n<Error><Code>" + (slow ? "SlowDown" : "InternalError")
                + "</Code><Message>" + (slow ? "Please reduce your request rate." : "injected by the fault proxy")
                + "</Message><RequestId>fault-proxy</RequestId></Error>";
        byte[] b = xml.getBytes(StandardCharsets.UTF_8);
        String head = "HTTP/1.1 " + (slow ? "503 Slow Down" : "500 Internal Server Error") + "\r\n"
                + "Content-Type: application/xml\r\nContent-Length: " + b.length + "\r\nx-amz-request-id: fault-proxy\r\n\r\n";
        out.write(head.getBytes(StandardCharsets.US_ASCII));
        out.write(b);
        out.flush();
    }

    /** Closes with a TCP RST (linger 0), as a dropped connection looks to the peer. */
    private static void reset(Socket s) {
        try {
            s.setSoLinger(true, 0);
            s.close();
        } catch (IOException e) {
            // gone already
        }
    }

    @Override
    public void close() throws IOException {
        server.close();
        for (Socket s : open) {
            reset(s);
        }
    }

    /** The HTTP/1.1 framing the proxy needs. */
    static final class Http {
        private Http() {
        }

        /** A message head: its raw bytes (relayed as they came) and what framing needs. */
        record Head(byte[] raw, String method, int status, long contentLength, boolean chunked,
                    boolean expectsContinue, boolean closes) {
        }

        /** The head up to its blank line, or null at a clean end of stream before its first byte. */
        static Head readHead(InputStream in, int max) throws IOException {
            ByteArrayOutputStream b = new ByteArrayOutputStream(512);
            int state = 0;
            while (state < 4) {
                int c = in.read();
                if (c < 0) {
                    if (b.size() == 0) {
                        return null;
                    }
                    throw new EOFException("end of stream inside a message head");
                }
                b.write(c);
                if (b.size() > max) {
                    throw new IOException("message head over " + max + " bytes");
                }
                state = (c == '\r' && (state == 0 || state == 2)) || (c == '\n' && (state == 1 || state == 3))
                        ? state + 1 : (c == '\r' ? 1 : 0);
            }
            byte[] raw = b.toByteArray();
            String[] lines = new String(raw, StandardCharsets.ISO_8859_1).split("\r\n");
            String[] first = lines[0].split(" ", 3);
            String method = first[0].startsWith("HTTP/") ? null : first[0];
            int status = method == null && first.length > 1 ? Integer.parseInt(first[1]) : 0;
            long length = -1;
            boolean chunked = false;
            boolean cont = false;
            boolean close = false;
            for (int i = 1; i < lines.length; i++) {
                int colon = lines[i].indexOf(':');
                if (colon <= 0) {
                    continue;
                }
                String name = lines[i].substring(0, colon).trim().toLowerCase(Locale.ROOT);
                String value = lines[i].substring(colon + 1).trim().toLowerCase(Locale.ROOT);
                switch (name) {
                    case "content-length" -> length = Long.parseLong(value);
                    case "transfer-encoding" -> chunked = value.contains("chunked");
                    case "expect" -> cont = value.equals("100-continue");
                    case "connection" -> close = value.contains("close");
                    default -> { }
                }
            }
            return new Head(raw, method, status, length, chunked, cont, close);
        }

        /**
         * The body after {@code head}, as raw bytes (chunked coding kept as it came): none for a request without
         * length, a HEAD's answer, 1xx, 204 and 304; to the end of the stream for an answer without length.
         */
        static byte[] readBody(InputStream in, Head head, boolean answerToHead) throws IOException {
            boolean request = head.method() != null;
            if (!request && (answerToHead || head.status() / 100 == 1 || head.status() == 204
                    || head.status() == 304)) {
                return new byte[0];
            }
            if (head.chunked()) {
                return readChunked(in);
            }
            if (head.contentLength() >= 0) {
                if (head.contentLength() > Integer.MAX_VALUE - 16) {
                    throw new IOException("body of " + head.contentLength() + " bytes: too large for the proxy");
                }
                return in.readNBytes((int) head.contentLength());
            }
            return request ? new byte[0] : in.readAllBytes();
        }

        private static byte[] readChunked(InputStream in) throws IOException {
            ByteArrayOutputStream b = new ByteArrayOutputStream();
            while (true) {
                String sizeLine = readLine(in, b);
                int semi = sizeLine.indexOf(';');
                long size = Long.parseLong((semi < 0 ? sizeLine : sizeLine.substring(0, semi)).trim(), 16);
                if (size == 0) {
                    while (!readLine(in, b).isEmpty()) {
                        // trailers, up to the blank line
                    }
                    return b.toByteArray();
                }
                byte[] data = in.readNBytes((int) size);
                if (data.length < size) {
                    throw new EOFException("end of stream inside a chunk");
                }
                b.write(data);
                readLine(in, b); // the CRLF after the data
            }
        }

        /** One CRLF-ended line, copied to {@code copy} with its CRLF; returned without it. */
        private static String readLine(InputStream in, ByteArrayOutputStream copy) throws IOException {
            StringBuilder s = new StringBuilder();
            for (int c; (c = in.read()) >= 0; ) {
                copy.write(c);
                if (c == '\n') {
                    int n = s.length();
                    return n > 0 && s.charAt(n - 1) == '\r' ? s.substring(0, n - 1) : s.toString();
                }
                s.append((char) c);
            }
            throw new EOFException("end of stream inside a chunked body");
        }
    }
}
