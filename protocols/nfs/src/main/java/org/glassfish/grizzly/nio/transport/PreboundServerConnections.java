package org.glassfish.grizzly.nio.transport;

import java.io.IOException;
import java.nio.channels.ServerSocketChannel;

/**
 * Lets a {@link TCPNIOTransport} serve a listening channel that someone else bound: the bucketfs daemon binds the
 * NFS port in {@code init()} as root and serves it once it runs as the service user. Grizzly offers this only for
 * {@code System.inheritedChannel()} ({@code bindToInherited}); this does the same for a given channel, through the
 * package's own hooks, which is why it lives in Grizzly's package.
 */
public final class PreboundServerConnections {

    private PreboundServerConnections() {
    }

    /** Adds {@code channel} (bound, listening) to {@code transport}'s server connections; accepted on start. */
    public static void adopt(TCPNIOTransport transport, ServerSocketChannel channel) throws IOException {
        channel.configureBlocking(false);
        TCPNIOServerConnection connection = transport.obtainServerNIOConnection(channel);
        transport.serverConnections.add(connection);
        connection.resetProperties();
        if (!transport.isStopped()) {
            transport.listenServerConnection(connection);
        }
    }
}
