package io.bucketfs.smb.rpc;

import static io.bucketfs.smb.rpc.RpcPdus.NDR;
import static io.bucketfs.smb.rpc.RpcPdus.bind;
import static io.bucketfs.smb.rpc.RpcPdus.request;
import static io.bucketfs.smb.rpc.RpcPdus.srvsvc;
import static org.junit.jupiter.api.Assertions.assertEquals;

import com.code_intelligence.jazzer.junit.FuzzTest;
import io.bucketfs.testing.DecodeOracle;
import java.io.ByteArrayOutputStream;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;
import org.junit.jupiter.api.Named;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * Fuzz target (README "Hostile input"): DCE/RPC over the srvsvc named pipe. The input is what a client writes to
 * the pipe ({@link RpcPipe#write}: connection-oriented PDUs of [C706] 12.6, BIND, ALTER_CONTEXT, REQUEST with
 * fragments, AUTH3...), then everything queued is read back; the NDR stubs reach {@link Srvsvc} and
 * {@link NdrReader}. A pipe answers anything with a PDU (BIND_NAK, FAULT): proves no exception escapes it at all,
 * within the allocation allowance of its documented limits ({@link RpcPipe#MAX_REQUEST_STUB},
 * {@link RpcPipe#MAX_PENDING_OUTPUT}). The seeds bind srvsvc and call each of its operations; each answers a
 * RESPONSE.
 */
@Timeout(value = 120, unit = TimeUnit.SECONDS)
class DceRpcFuzzTest {

    static final DecodeOracle ORACLE = new DecodeOracle(List.of(),
            4L * (RpcPipe.MAX_REQUEST_STUB + RpcPipe.MAX_PENDING_OUTPUT) + (4 << 20), 256);

    @MethodSource("seeds")
    @FuzzTest(maxDuration = "5m")
    void write(byte[] input) {
        ORACLE.check(input, () -> writeAndRead(input));
    }

    /** Writes the input to a fresh srvsvc pipe and reads back every PDU it queued. */
    static void writeAndRead(byte[] input) {
        RpcPipe p = new RpcPipe("\\PIPE\\srvsvc", List.of(new Srvsvc("FUZZSRV", "fuzz",
                () -> RpcPipeTest.shares(2))));
        p.write(input, 0, input.length);
        while (p.available() > 0) {
            p.read(RpcPipe.MAX_FRAG, true);
        }
    }

    @Test
    void everySeedCallsAnOperation() {
        for (Arguments a : seeds().toList()) {
            @SuppressWarnings("unchecked")
            Named<byte[]> seed = (Named<byte[]>) a.get()[0];
            RpcPipe p = new RpcPipe("\\PIPE\\srvsvc", List.of(new Srvsvc("FUZZSRV", "fuzz",
                    () -> RpcPipeTest.shares(2))));
            RpcPdus.write(p, seed.getPayload());
            List<RpcPdus.Pdu> answers = RpcPdus.drain(p);
            assertEquals(RpcPipe.BIND_ACK, answers.get(0).ptype(), seed.getName());
            assertEquals(RpcPipe.RESPONSE, answers.get(answers.size() - 1).ptype(), seed.getName());
        }
    }

    /** BIND of srvsvc, then one REQUEST: every operation of {@link Srvsvc}. */
    static Stream<Arguments> seeds() {
        return Stream.of(
                seed("NetrShareEnum", Srvsvc.OP_SHARE_ENUM, RpcPipeTest.enumStub(1)),
                seed("NetrShareEnumSticky", Srvsvc.OP_SHARE_ENUM_STICKY, RpcPipeTest.enumStub(502)),
                seed("NetrShareGetInfo", Srvsvc.OP_SHARE_GET_INFO,
                        new NdrWriter().pointer(false).string("share0").u32(1).toByteArray()),
                seed("NetrShareCheck", Srvsvc.OP_SHARE_CHECK,
                        new NdrWriter().pointer(false).string("c:\\share0").toByteArray()),
                seed("NetrServerGetInfo", Srvsvc.OP_SERVER_GET_INFO,
                        new NdrWriter().pointer(true).string("\\\\FUZZSRV").u32(101).toByteArray()),
                seed("NetrRemoteTOD", Srvsvc.OP_REMOTE_TOD, new NdrWriter().pointer(false).toByteArray()));
    }

    private static Arguments seed(String name, int opnum, byte[] stub) {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        out.writeBytes(bind(1, srvsvc(0, NDR)));
        out.writeBytes(request(2, opnum, stub));
        return Arguments.of(Named.of(name, out.toByteArray()));
    }
}
