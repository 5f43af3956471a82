package io.bucketfs.nfs;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.bucketfs.nfs.export.ExportTable;
import java.io.IOException;
import java.net.InetAddress;
import java.util.Map;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import org.dcache.oncrpc4j.rpc.OncRpcClient;
import org.dcache.oncrpc4j.rpc.OncRpcProgram;
import org.dcache.oncrpc4j.rpc.RpcAuthTypeNone;
import org.dcache.oncrpc4j.rpc.RpcCall;
import org.dcache.oncrpc4j.rpc.RpcDispatchable;
import org.dcache.oncrpc4j.rpc.net.IpProtocolType;
import org.dcache.oncrpc4j.xdr.XdrInt;
import org.dcache.oncrpc4j.xdr.XdrVoid;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/** The server as a service: extra programs on the same port, a taken port, a clean close, NULL for NFSv4. */
@Timeout(value = 60, unit = TimeUnit.SECONDS)
class NfsServerTest {

    private static final OncRpcProgram MOUNT_V3 = new OncRpcProgram(100005, 3);

    @Test
    void extraProgramsAnswerOnTheSamePortOffTheIoThreads() throws Exception {
        String[] thread = new String[1];
        RpcDispatchable mount = call -> {
            thread[0] = Thread.currentThread().getName();
            call.reply(new XdrInt(42));
        };
        try (NfsServer s = NfsServer.start("127.0.0.1", 0, NfsSettings.DEFAULTS, new ExportTable(),
                Map.of(MOUNT_V3, mount));
             OncRpcClient c = new OncRpcClient(InetAddress.getLoopbackAddress(), IpProtocolType.TCP,
                     s.address().getPort())) {
            RpcCall call = new RpcCall(100005, 3, new RpcAuthTypeNone(), c.connect());
            XdrInt out = new XdrInt();
            call.call(0, XdrVoid.XDR_VOID, out, 10, TimeUnit.SECONDS);
            assertEquals(42, out.intValue());
            assertTrue(thread[0].startsWith("nfs-worker-"), thread[0]);
            RpcCall nfs = new RpcCall(100003, 4, new RpcAuthTypeNone(), c.connect());
            nfs.call(0, XdrVoid.XDR_VOID, XdrVoid.XDR_VOID, 10, TimeUnit.SECONDS);
        }
    }

    @Test
    void aFullQueueHoldsCallsBackInsteadOfFailingThem() throws Exception {
        java.util.concurrent.atomic.AtomicInteger running = new java.util.concurrent.atomic.AtomicInteger();
        java.util.concurrent.atomic.AtomicInteger most = new java.util.concurrent.atomic.AtomicInteger();
        RpcDispatchable slow = call -> {
            most.accumulateAndGet(running.incrementAndGet(), Math::max);
            try {
                Thread.sleep(50);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
            running.decrementAndGet();
            call.reply(new XdrInt(7));
        };
        NfsSettings oneWorker = new NfsSettings(NfsSettings.DEFAULT_MAX_REQUEST_BYTES, NfsSettings.DEFAULT_MAX_IO_BYTES,
                1, 1, NfsSettings.DEFAULT_LEASE, java.time.Duration.ZERO);
        try (NfsServer s = NfsServer.start("127.0.0.1", 0, oneWorker, new ExportTable(), Map.of(MOUNT_V3, slow));
             OncRpcClient c = new OncRpcClient(InetAddress.getLoopbackAddress(), IpProtocolType.TCP,
                     s.address().getPort())) {
            RpcCall call = new RpcCall(100005, 3, new RpcAuthTypeNone(), c.connect());
            java.util.List<java.util.concurrent.CompletableFuture<XdrInt>> replies = new java.util.ArrayList<>();
            for (int i = 0; i < 8; i++) {
                replies.add(call.call(0, XdrVoid.XDR_VOID, XdrInt.class));
            }
            for (java.util.concurrent.CompletableFuture<XdrInt> r : replies) {
                assertEquals(7, r.get(30, TimeUnit.SECONDS).intValue());
            }
            assertEquals(1, most.get(), "one worker");
        }
    }

    @Test
    void aTakenPortIsAnIoExceptionNamingIt() throws Exception {
        try (NfsServer s = NfsServer.start("127.0.0.1", 0, NfsSettings.DEFAULTS, new ExportTable(), Map.of())) {
            IOException e = assertThrows(IOException.class, () -> NfsServer.start("127.0.0.1",
                    s.address().getPort(), NfsSettings.DEFAULTS, new ExportTable(), Map.of()));
            assertTrue(e.getMessage().startsWith("cannot listen on 127.0.0.1:" + s.address().getPort()),
                    e.getMessage());
        }
    }

    @Test
    void closeFreesThePortAndFinishesRunningCalls() throws Exception {
        CountDownLatch inCall = new CountDownLatch(1);
        CountDownLatch finished = new CountDownLatch(1);
        RpcDispatchable slow = call -> {
            inCall.countDown();
            try {
                Thread.sleep(300);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
            finished.countDown();
        };
        NfsServer s = NfsServer.start("127.0.0.1", 0, NfsSettings.DEFAULTS, new ExportTable(),
                Map.of(MOUNT_V3, slow));
        int port = s.address().getPort();
        try (OncRpcClient c = new OncRpcClient(InetAddress.getLoopbackAddress(), IpProtocolType.TCP, port)) {
            RpcCall call = new RpcCall(100005, 3, new RpcAuthTypeNone(), c.connect());
            call.call(0, XdrVoid.XDR_VOID, new java.nio.channels.CompletionHandler<org.dcache.oncrpc4j.rpc.RpcReply,
                    org.dcache.oncrpc4j.rpc.RpcTransport>() {
                @Override
                public void completed(org.dcache.oncrpc4j.rpc.RpcReply r, org.dcache.oncrpc4j.rpc.RpcTransport t) {
                }

                @Override
                public void failed(Throwable e, org.dcache.oncrpc4j.rpc.RpcTransport t) {
                }
            });
            assertTrue(inCall.await(10, TimeUnit.SECONDS));
            s.close();
            assertTrue(finished.await(10, TimeUnit.SECONDS), "the running call finished");
        }
        NfsServer.start("127.0.0.1", port, NfsSettings.DEFAULTS, new ExportTable(), Map.of()).close();
    }
}
