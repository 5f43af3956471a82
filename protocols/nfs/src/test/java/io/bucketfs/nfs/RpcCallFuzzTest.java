package io.bucketfs.nfs;

import static org.junit.jupiter.api.Assertions.assertEquals;

import com.code_intelligence.jazzer.junit.FuzzTest;
import io.bucketfs.nfs.mount.DirPath;
import io.bucketfs.nfs.mount.MountProgram;
import io.bucketfs.nfs.v3.Nfs3ArgsFuzzTest;
import io.bucketfs.nfs.v3.Nfs3Program;
import io.bucketfs.nfs.v4.CompoundArgs;
import io.bucketfs.nfs.v4.CompoundFuzzTest;
import io.bucketfs.nfs.v4.MalformedInputTest;
import io.bucketfs.nfs.v4.Nfs4Program;
import io.bucketfs.testing.DecodeOracle;
import java.io.IOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.nio.ByteBuffer;
import java.nio.channels.CompletionHandler;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;
import org.dcache.oncrpc4j.rpc.ReplyQueue;
import org.dcache.oncrpc4j.rpc.RpcAuthError;
import org.dcache.oncrpc4j.rpc.RpcAuthException;
import org.dcache.oncrpc4j.rpc.RpcAuthStat;
import org.dcache.oncrpc4j.rpc.RpcCall;
import org.dcache.oncrpc4j.rpc.RpcMessageType;
import org.dcache.oncrpc4j.rpc.RpcTransport;
import org.dcache.oncrpc4j.xdr.Xdr;
import org.dcache.oncrpc4j.xdr.XdrAble;
import org.dcache.oncrpc4j.xdr.XdrVoid;
import org.glassfish.grizzly.Buffer;
import org.glassfish.grizzly.memory.Buffers;
import org.glassfish.grizzly.memory.MemoryManager;
import org.junit.jupiter.api.Named;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * Fuzz target (README "Hostile input"): the bytes of a TCP stream as the NFS server reads them. RFC 5531 section 11
 * record marking through {@link RecordLimitParser#recordSize} (which must neither throw nor loop on any fragment
 * headers), the server's check of the credential and verifier lengths ({@link RecordLimitParser#authWithinLimits}),
 * then the record as an RPC CALL: header and credential through oncrpc4j's {@link RpcCall#accept}, and
 * the arguments of the procedure it names through {@link RpcCall#retrieveCall}: NFSv3, MOUNT v3 or NFSv4 COMPOUND,
 * the decoders the server's programs use. Proves these return or throw an {@link IOException} (GARBAGE_ARGS, an
 * RPC auth or version error) within the allocation allowance. Seeds: a call to every NFSv3 procedure, MOUNT, every
 * NFSv4 operation, with AUTH_NONE and AUTH_SYS credentials, and one record in two fragments.
 */
@Timeout(value = 120, unit = TimeUnit.SECONDS)
class RpcCallFuzzTest {

    static final DecodeOracle ORACLE = new DecodeOracle(List.of(IOException.class),
            NfsSettings.DEFAULT_MAX_REQUEST_BYTES + (8 << 20), 64);
    private static final Nfs3Program NFS3 = new Nfs3Program(new io.bucketfs.nfs.export.ExportTable(),
            NfsSettings.DEFAULTS);

    @MethodSource("seeds")
    @FuzzTest(maxDuration = "5m")
    void decode(byte[] input) {
        ORACLE.check(input, () -> decodeCall(input));
    }

    /** Decodes a stream's first record as a call; returns the arguments decoded, or null. */
    static XdrAble decodeCall(byte[] input) throws IOException {
        Buffer stream = Buffers.wrap(MemoryManager.DEFAULT_MEMORY_MANAGER, input);
        long announced = RecordLimitParser.recordSize(stream);
        if (announced < 0 || announced > (input.length / 4 + 1) * (long) Integer.MAX_VALUE) {
            throw new AssertionError("record size " + announced + " from " + input.length + " bytes");
        }
        byte[] record = firstRecord(input);
        if (!RecordLimitParser.authWithinLimits(Buffers.wrap(MemoryManager.DEFAULT_MEMORY_MANAGER, record))) {
            return null; // the server closes the connection
        }
        Xdr x = new Xdr(record);
        x.beginDecoding();
        int xid = x.xdrDecodeInt();
        if (x.xdrDecodeInt() != RpcMessageType.CALL) {
            return null;
        }
        RpcCall call = new RpcCall(xid, x, TRANSPORT);
        call.accept();
        XdrAble args = arguments(call.getProgram(), call.getProcedure());
        call.retrieveCall(args);
        return args;
    }

    /** The fragments of the stream's first record, joined (RFC 5531 section 11); as much as arrived. */
    private static byte[] firstRecord(byte[] stream) {
        java.io.ByteArrayOutputStream out = new java.io.ByteArrayOutputStream();
        ByteBuffer b = ByteBuffer.wrap(stream);
        while (b.remaining() >= 4) {
            int marker = b.getInt();
            int take = Math.min(marker & 0x7fffffff, b.remaining());
            out.write(stream, b.position(), take);
            b.position(b.position() + take);
            if (marker < 0) {
                break;
            }
        }
        return out.toByteArray();
    }

    private static XdrAble arguments(int program, int procedure) {
        if (program == Nfs3Program.PROGRAM && procedure >= 1 && procedure <= Nfs3ArgsFuzzTest.PROCEDURES) {
            return NFS3.procedure(procedure).newArgs();
        } else if (program == MountProgram.PROGRAM && (procedure == 1 || procedure == 3)) {
            return new DirPath();
        } else if (program == Nfs4Program.PROGRAM && procedure == 1) {
            return new CompoundArgs();
        }
        return XdrVoid.XDR_VOID;
    }

    @Test
    void everySeedDecodes() throws IOException {
        for (Arguments a : seeds().toList()) {
            @SuppressWarnings("unchecked")
            Named<byte[]> seed = (Named<byte[]>) a.get()[0];
            XdrAble args = decodeCall(seed.getPayload());
            assertEquals(false, args == null || args == XdrVoid.XDR_VOID, seed.getName());
        }
    }

    /** Calls of every procedure and operation, as records; some with AUTH_SYS, one split in two fragments. */
    static Stream<Arguments> seeds() {
        List<Arguments> out = new ArrayList<>();
        for (Arguments a : Nfs3ArgsFuzzTest.seeds().toList()) {
            Named<?> n = (Named<?>) a.get()[0];
            byte[] s = (byte[]) n.getPayload();
            int target = s[0];
            byte[] body = Arrays.copyOfRange(s, 1, s.length);
            byte[] rec = target < Nfs3ArgsFuzzTest.PROCEDURES
                    ? call(Nfs3Program.PROGRAM, Nfs3Program.VERSION, target + 1, body)
                    : call(MountProgram.PROGRAM, MountProgram.VERSION, 1, body);
            out.add(Arguments.of(Named.of("NFSv3 " + n.getName(), rec)));
        }
        for (Arguments a : CompoundFuzzTest.seeds().toList()) {
            Named<?> n = (Named<?>) a.get()[0];
            out.add(Arguments.of(Named.of("NFSv4 " + n.getName(),
                    MalformedInputTest.record(7, 1, (byte[]) n.getPayload()))));
        }
        byte[] getattr = (byte[]) ((Named<?>) out.get(0).get()[0]).getPayload();
        out.add(Arguments.of(Named.of("AUTH_SYS", withAuthSys(getattr))));
        out.add(Arguments.of(Named.of("two fragments", inTwoFragments(getattr))));
        return out.stream();
    }

    /** An NFSv4 COMPOUND record (MalformedInputTest's) turned into a call of {@code program}. */
    private static byte[] call(int program, int version, int procedure, byte[] body) {
        byte[] rec = MalformedInputTest.record(7, procedure, body);
        ByteBuffer.wrap(rec).putInt(4 + 12, program).putInt(4 + 16, version);
        return rec;
    }

    /** The record with its AUTH_NONE credential replaced by AUTH_SYS (uid 1000, gid 100, no more groups). */
    private static byte[] withAuthSys(byte[] rec) {
        ByteBuffer cred = ByteBuffer.allocate(8 + 24);
        cred.putInt(1).putInt(24).putInt(1).putInt(1).put(new byte[] {'a', 0, 0, 0}).putInt(1000).putInt(100)
                .putInt(0);
        int credAt = 4 + 24;
        ByteBuffer out = ByteBuffer.allocate(rec.length + 24);
        out.putInt(0x80000000 | (rec.length + 24 - 4));
        out.put(rec, 4, credAt - 4).put(cred.array()).put(rec, credAt + 8, rec.length - credAt - 8);
        return out.array();
    }

    private static byte[] inTwoFragments(byte[] rec) {
        int body = rec.length - 4;
        int first = body / 2;
        ByteBuffer out = ByteBuffer.allocate(rec.length + 4);
        out.putInt(first).put(rec, 4, first).putInt(0x80000000 | (body - first)).put(rec, 4 + first, body - first);
        return out.array();
    }

    /** Where replies would go: nowhere (only decoding runs); no TLS. */
    private static final RpcTransport TRANSPORT = new RpcTransport() {
        private final InetSocketAddress peer = new InetSocketAddress(InetAddress.getLoopbackAddress(), 1023);

        @Override
        public <A> void send(Xdr xdr, A attachment, CompletionHandler<Integer, ? super A> handler) {
            handler.completed(0, attachment);
        }

        @Override
        public ReplyQueue getReplyQueue() {
            return new ReplyQueue();
        }

        @Override
        public boolean isOpen() {
            return true;
        }

        @Override
        public InetSocketAddress getLocalSocketAddress() {
            return peer;
        }

        @Override
        public InetSocketAddress getRemoteSocketAddress() {
            return peer;
        }

        @Override
        public RpcTransport getPeerTransport() {
            return this;
        }

        @Override
        public void startTLS() throws RpcAuthException {
            throw new RpcAuthException("no TLS", new RpcAuthError(RpcAuthStat.AUTH_REJECTEDCRED));
        }

        @Override
        public boolean isTLS() {
            return false;
        }
    };
}
