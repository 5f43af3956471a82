package io.bucketfs.nfs.v4;

import static org.junit.jupiter.api.Assertions.assertEquals;

import io.bucketfs.nfs.v4.ops.OpArgs;
import io.bucketfs.nfs.v4.ops.OpCode;
import io.bucketfs.nfs.v4.ops.OpCreateSession;
import io.bucketfs.nfs.v4.ops.OpExchangeId;
import io.bucketfs.nfs.v4.ops.OpGetfh;
import io.bucketfs.nfs.v4.ops.OpLookup;
import io.bucketfs.nfs.v4.ops.OpPutfh;
import io.bucketfs.nfs.v4.ops.OpPutrootfh;
import io.bucketfs.nfs.v4.ops.OpSequence;
import io.bucketfs.nfs.v4.state.ChannelAttrs;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.dcache.oncrpc4j.rpc.OncRpcClient;
import org.dcache.oncrpc4j.rpc.RpcAuthTypeUnix;
import org.dcache.oncrpc4j.rpc.RpcCall;
import org.dcache.oncrpc4j.rpc.RpcTransport;
import org.dcache.oncrpc4j.rpc.net.IpProtocolType;

/** A small NFSv4.1 client over oncrpc4j, made of the server's own XDR classes, for loopback tests. */
final class Nfs4TestClient implements AutoCloseable {

    static final ChannelAttrs CHANNEL = new ChannelAttrs(0, 1 << 20, 1 << 20, 64 << 10, 16, 8, new int[0]);

    private final OncRpcClient rpc;
    private final RpcCall calls;
    private final String name;
    long clientId;
    byte[] sessionId;
    private int seq;

    Nfs4TestClient(InetSocketAddress server, String name, int uid) throws Exception {
        this.name = name;
        rpc = new OncRpcClient(server.getAddress(), IpProtocolType.TCP, server.getPort());
        RpcTransport t = rpc.connect();
        calls = new RpcCall(Nfs4Program.PROGRAM, Nfs4Program.VERSION,
                new RpcAuthTypeUnix(uid, uid, new int[] {uid}, 0, "test"), t);
    }

    /** One COMPOUND as given. */
    CompoundRes compound(int minor, List<OpArgs> ops) throws Exception {
        CompoundRes res = new CompoundRes();
        calls.call(Nfs4Program.PROC_COMPOUND, new CompoundArgs("t", minor, ops), res, 30, TimeUnit.SECONDS);
        return res;
    }

    CompoundRes compound(int minor, OpArgs... ops) throws Exception {
        return compound(minor, List.of(ops));
    }

    /** EXCHANGE_ID and CREATE_SESSION. */
    Nfs4TestClient establish() throws Exception {
        CompoundRes r = compound(1, new OpExchangeId.Args(new byte[8],
                name.getBytes(StandardCharsets.UTF_8), 0, OpExchangeId.SP4_NONE));
        assertEquals(NfsStat4.NFS4_OK, r.status(), "EXCHANGE_ID");
        OpExchangeId.Res x = r.result(OpCode.EXCHANGE_ID);
        clientId = x.clientId();
        r = compound(1, new OpCreateSession.Args(clientId, x.sequenceId(), 0, CHANNEL, CHANNEL, 0x40000000));
        assertEquals(NfsStat4.NFS4_OK, r.status(), "CREATE_SESSION");
        sessionId = ((OpCreateSession.Res) r.result(OpCode.CREATE_SESSION)).sessionId();
        return this;
    }

    /** SEQUENCE on slot 0 with the next sequence id, then {@code ops}. */
    CompoundRes seq(OpArgs... ops) throws Exception {
        return seqWith(++seq, false, ops);
    }

    CompoundRes seqWith(int seqid, boolean cache, OpArgs... ops) throws Exception {
        List<OpArgs> l = new ArrayList<>();
        l.add(new OpSequence.Args(sessionId, seqid, 0, 0, cache));
        l.addAll(List.of(ops));
        return compound(1, l);
    }

    int nextSeq() {
        return ++seq;
    }

    /** SEQUENCE, then the ops; fails the test unless all succeed. */
    CompoundRes ok(OpArgs... ops) throws Exception {
        CompoundRes r = seq(ops);
        assertEquals(NfsStat4.NFS4_OK, r.status(), () -> "COMPOUND failed: " + NfsStat4.name(r.status())
                + " at " + r.results().get(r.results().size() - 1).opcode());
        return r;
    }

    /** The handle of a path from the pseudo root. */
    byte[] fh(String... path) throws Exception {
        List<OpArgs> ops = new ArrayList<>();
        ops.add(new OpPutrootfh.Args());
        for (String p : path) {
            ops.add(new OpLookup.Args(p));
        }
        ops.add(new OpGetfh.Args());
        OpGetfh.Res r = ok(ops.toArray(OpArgs[]::new)).result(OpCode.GETFH);
        return r.fh();
    }

    static OpPutfh.Args putfh(byte[] fh) {
        return new OpPutfh.Args(fh);
    }

    @Override
    public void close() throws Exception {
        rpc.close();
    }
}
