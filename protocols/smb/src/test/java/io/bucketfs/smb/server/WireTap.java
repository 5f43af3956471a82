package io.bucketfs.smb.server;

import java.io.FilterInputStream;
import java.io.FilterOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.Socket;
import java.util.List;
import java.util.concurrent.ConcurrentLinkedQueue;
import javax.net.SocketFactory;

/**
 * A {@link SocketFactory} for SMBJ ({@code SmbConfig.withSocketFactory}) that records the first SMB2 header
 * ([MS-SMB2] 2.2.1) of every Direct TCP frame each way, as the bytes on the wire say: what a client library
 * really sent and got (credit charges, signed flags), without trusting its own accounts. Encrypted frames
 * ([MS-SMB2] 2.2.41) are recorded as such, their inner header unseen.
 */
final class WireTap extends SocketFactory {
    /** One frame's first header: protocol id, CreditCharge, Command, Flags. */
    record Frame(boolean toServer, int protocolId, int creditCharge, int command, int flags) {
        static final int SMB2 = 0x424D53FE;
        static final int FLAGS_SIGNED = 0x8;

        boolean signed() {
            return protocolId == SMB2 && (flags & FLAGS_SIGNED) != 0;
        }
    }

    private final ConcurrentLinkedQueue<Frame> frames = new ConcurrentLinkedQueue<>();
    private final boolean unsign;

    /** Records only. */
    WireTap() {
        this(false);
    }

    /**
     * With {@code unsign}, also sends every request unsigned: SMB2_FLAGS_SIGNED cleared and the Signature
     * zeroed on the way out, as a client that does not sign sends it (SMBJ always signs 3.x sessions).
     */
    WireTap(boolean unsign) {
        this.unsign = unsign;
    }

    /** Every frame seen so far, in order per direction. */
    List<Frame> frames() {
        return List.copyOf(frames);
    }

    /** The requests of {@code command} (client to server, not encrypted) seen so far. */
    List<Frame> requests(int command) {
        return frames.stream().filter(f -> f.toServer() && f.protocolId() == Frame.SMB2 && f.command() == command)
                .toList();
    }

    @Override
    public Socket createSocket(String host, int port) throws IOException {
        return new Socket(host, port) {
            private final OutputStream out = new FilterOutputStream(super.getOutputStream()) {
                private final Parser parser = new Parser(true);

                @Override
                public void write(int b) throws IOException {
                    super.out.write(parser.feed(b));
                }

                @Override
                public void write(byte[] b, int off, int len) throws IOException {
                    byte[] copy = new byte[len];
                    for (int i = 0; i < len; i++) {
                        copy[i] = (byte) parser.feed(b[off + i]);
                    }
                    super.out.write(copy, 0, len);
                }
            };
            private final InputStream in = new FilterInputStream(super.getInputStream()) {
                private final Parser parser = new Parser(false);

                @Override
                public int read() throws IOException {
                    int b = super.read();
                    if (b >= 0) {
                        parser.feed(b);
                    }
                    return b;
                }

                @Override
                public int read(byte[] b, int off, int len) throws IOException {
                    int n = super.read(b, off, len);
                    for (int i = 0; i < n; i++) {
                        parser.feed(b[off + i]);
                    }
                    return n;
                }
            };

            @Override
            public OutputStream getOutputStream() {
                return out;
            }

            @Override
            public InputStream getInputStream() {
                return in;
            }
        };
    }

    @Override
    public Socket createSocket(String host, int port, InetAddress localHost, int localPort) {
        throw new UnsupportedOperationException();
    }

    @Override
    public Socket createSocket(InetAddress host, int port) {
        throw new UnsupportedOperationException();
    }

    @Override
    public Socket createSocket(InetAddress address, int port, InetAddress localAddress, int localPort) {
        throw new UnsupportedOperationException();
    }

    /**
     * Splits a byte stream into Direct TCP frames and keeps the first 20 bytes of each; unsigns the first header
     * of a request when asked.
     */
    private final class Parser {
        private final boolean toServer;
        private final byte[] head = new byte[20];
        private int prefix;
        private int prefixBytes;
        private long remaining;
        private int headBytes;
        private int at;

        Parser(boolean toServer) {
            this.toServer = toServer;
        }

        /** Takes the next byte of the stream; returns the byte to pass on. */
        int feed(int b) {
            b &= 0xFF;
            if (remaining == 0) {
                prefix = (prefix << 8) | b;
                if (++prefixBytes == 4) {
                    remaining = prefix & 0xFFFFFFL;
                    prefixBytes = 0;
                    prefix = 0;
                    headBytes = 0;
                    at = 0;
                }
                return b;
            }
            if (unsign && toServer && at >= 4 && le32(0) == Frame.SMB2) {
                if (at == 16) {
                    b &= ~Frame.FLAGS_SIGNED;
                } else if (at >= 48 && at < 64) {
                    b = 0;
                }
            }
            if (headBytes < head.length) {
                head[headBytes++] = (byte) b;
                if (headBytes == head.length) {
                    frames.add(new Frame(toServer, le32(0), le16(6), le16(12), le32(16)));
                }
            }
            at++;
            remaining--;
            return b;
        }

        private int le16(int at) {
            return (head[at] & 0xFF) | (head[at + 1] & 0xFF) << 8;
        }

        private int le32(int at) {
            return le16(at) | le16(at + 2) << 16;
        }
    }
}
