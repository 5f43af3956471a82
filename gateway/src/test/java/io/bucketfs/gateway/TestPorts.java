package io.bucketfs.gateway;

import java.io.IOException;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * Ports for servers the tests start, from the range this machine sets aside for them ({@value #FIRST} to
 * {@value #LAST}), skipping ports in use, so that fixed numbers never collide with another run.
 */
final class TestPorts {

    static final int FIRST = 4610;
    static final int LAST = 4699;

    private static final AtomicInteger NEXT = new AtomicInteger(FIRST + (int) (ProcessHandle.current().pid() % 40));

    private TestPorts() {
    }

    /** A port of the range that was free a moment ago on 127.0.0.1. */
    static int free() {
        for (int tries = 0; tries <= LAST - FIRST; tries++) {
            int p = FIRST + Math.floorMod(NEXT.getAndIncrement() - FIRST, LAST - FIRST + 1);
            try (ServerSocket s = new ServerSocket(p, 1, InetAddress.getLoopbackAddress())) {
                s.setReuseAddress(true);
                return p;
            } catch (IOException e) {
                // taken: the next one
            }
        }
        throw new IllegalStateException("no free port in " + FIRST + "-" + LAST);
    }
}
