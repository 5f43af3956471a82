package io.bucketfs.smb.rpc;

import static io.bucketfs.smb.rpc.RpcPdus.NDR;
import static io.bucketfs.smb.rpc.RpcPdus.bind;
import static io.bucketfs.smb.rpc.RpcPdus.drain;
import static io.bucketfs.smb.rpc.RpcPdus.one;
import static io.bucketfs.smb.rpc.RpcPdus.request;
import static io.bucketfs.smb.rpc.RpcPdus.srvsvc;
import static io.bucketfs.smb.rpc.RpcPdus.write;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.bucketfs.smb.rpc.RpcPdus.Context;
import io.bucketfs.smb.rpc.RpcPdus.Pdu;
import io.bucketfs.smb.rpc.RpcPdus.Syntax;
import java.io.ByteArrayOutputStream;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import java.util.UUID;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/** The connection-oriented PDU engine: binds, calls, fragments, and malformed input of every kind. */
@Timeout(30)
class RpcPipeTest {
    static List<ShareEntry> shares(int n) {
        List<ShareEntry> l = new ArrayList<>();
        for (int i = 0; i < n; i++) {
            l.add(new ShareEntry("share" + i, ShareEntry.STYPE_DISKTREE, "remark of share " + i, "C:\\share" + i));
        }
        l.add(new ShareEntry("IPC$", ShareEntry.STYPE_IPC | ShareEntry.STYPE_SPECIAL, "Remote IPC", null));
        return l;
    }

    private static RpcPipe pipe(int shares) {
        return new RpcPipe("\\PIPE\\srvsvc", List.of(new Srvsvc("TESTSRV", "test", () -> shares(shares))));
    }

    private static RpcPipe bound() {
        RpcPipe p = pipe(1);
        write(p, bind(1, srvsvc(0, NDR)));
        assertEquals(RpcPipe.BIND_ACK, one(p).ptype());
        return p;
    }

    /** NetrShareEnum level 1 stub: no server name, empty container, no preferred maximum, a resume handle. */
    static byte[] enumStub(int level) {
        NdrWriter w = new NdrWriter();
        w.pointer(false).u32(level).u32(level).pointer(true).u32(0).pointer(false).u32(-1).pointer(true).u32(0);
        return w.toByteArray();
    }

    @Test
    void bindAcceptsNdrRefusesNdr64AndOtherInterfacesAndAcksFeatureNegotiation() throws Exception {
        RpcPipe p = pipe(1);
        Context other = new Context(3, new Syntax(UUID.randomUUID(), 1), List.of(NDR));
        write(p, bind(RpcPipe.BIND, 7, 5840, 2000, srvsvc(0, new Syntax(RpcPdus.NDR64, 1)), srvsvc(1, NDR),
                srvsvc(2, new Syntax(RpcPdus.FEATURES, 1)), other,
                new Context(4, new Syntax(Srvsvc.UUID_SRVSVC, 2), List.of(NDR))));
        Pdu ack = one(p);
        assertEquals(RpcPipe.BIND_ACK, ack.ptype());
        assertEquals(7, ack.callId());
        assertEquals(RpcPipe.PFC_FIRST_FRAG | RpcPipe.PFC_LAST_FRAG, ack.flags());
        NdrReader r = ack.body();
        assertEquals(2000, r.u16(), "max_xmit_frag: what the client receives");
        assertEquals(RpcPipe.MAX_FRAG, r.u16(), "max_recv_frag: capped at ours");
        assertNotEquals(0, r.u32(), "a new association group");
        int addrLength = r.u16();
        assertEquals("\\PIPE\\srvsvc\0", new String(r.bytes(addrLength), java.nio.charset.StandardCharsets.US_ASCII));
        r.align(4);
        assertEquals(5, r.u8());
        r.u8();
        r.u16();
        int[][] expected = {
            {RpcPipe.PROVIDER_REJECTION, RpcPipe.PROPOSED_TRANSFER_SYNTAXES_NOT_SUPPORTED},
            {RpcPipe.ACCEPTANCE, 0},
            {RpcPipe.NEGOTIATE_ACK, RpcPipe.FEATURES_SUPPORTED},
            {RpcPipe.PROVIDER_REJECTION, RpcPipe.ABSTRACT_SYNTAX_NOT_SUPPORTED},
            {RpcPipe.PROVIDER_REJECTION, RpcPipe.ABSTRACT_SYNTAX_NOT_SUPPORTED}};
        for (int[] e : expected) {
            assertEquals(e[0], r.u16());
            assertEquals(e[1], r.u16());
            UUID syntax = r.uuid();
            int version = r.u32();
            if (e[0] == RpcPipe.ACCEPTANCE) {
                assertEquals(RpcPipe.NDR, syntax);
                assertEquals(2, version);
            } else {
                assertEquals(new UUID(0, 0), syntax);
            }
        }
        assertEquals(0, r.remaining());
        // the accepted context runs calls, the refused ones are unknown interfaces
        write(p, request(8, 3, 1, Srvsvc.OP_SHARE_ENUM, enumStub(1)));
        assertEquals(RpcPipe.RESPONSE, one(p).ptype());
        write(p, request(9, 3, 0, Srvsvc.OP_SHARE_ENUM, enumStub(1)));
        assertEquals(RpcFault.NCA_S_UNK_IF, one(p).faultStatus());
    }

    @Test
    void alterContextAddsAContext() throws Exception {
        RpcPipe p = bound();
        write(p, bind(RpcPipe.ALTER_CONTEXT, 2, RpcPipe.MAX_FRAG, RpcPipe.MAX_FRAG, srvsvc(5, NDR)));
        Pdu resp = one(p);
        assertEquals(RpcPipe.ALTER_CONTEXT_RESP, resp.ptype());
        write(p, request(3, 3, 5, Srvsvc.OP_SHARE_ENUM, enumStub(0)));
        assertEquals(RpcPipe.RESPONSE, one(p).ptype());
        write(p, request(4, 3, 0, Srvsvc.OP_SHARE_ENUM, enumStub(0)));
        assertEquals(RpcPipe.RESPONSE, one(p).ptype(), "the BIND's context stays");
    }

    @Test
    void requestBeforeBindIsUnknownInterface() throws Exception {
        RpcPipe p = pipe(1);
        write(p, request(1, Srvsvc.OP_SHARE_ENUM, enumStub(1)));
        Pdu f = one(p);
        assertEquals(RpcFault.NCA_S_UNK_IF, f.faultStatus());
        assertTrue((f.flags() & RpcPipe.PFC_DID_NOT_EXECUTE) != 0);
        assertEquals(1, f.callId());
    }

    @Test
    void unknownOpnumIsRangeError() throws Exception {
        RpcPipe p = bound();
        write(p, request(2, 99, new byte[0]));
        assertEquals(RpcFault.NCA_S_OP_RNG_ERROR, one(p).faultStatus());
        write(p, request(3, 0, new byte[0]));
        assertEquals(RpcFault.NCA_S_OP_RNG_ERROR, one(p).faultStatus());
    }

    @Test
    void pdusSplitAcrossWritesAndSeveralInOneWrite() throws Exception {
        RpcPipe p = pipe(1);
        ByteArrayOutputStream all = new ByteArrayOutputStream();
        all.writeBytes(bind(1, srvsvc(0, NDR)));
        all.writeBytes(request(2, Srvsvc.OP_SHARE_ENUM, enumStub(1)));
        all.writeBytes(request(3, Srvsvc.OP_SHARE_ENUM, enumStub(2)));
        byte[] b = all.toByteArray();
        for (byte x : b) { // one byte at a time
            p.write(new byte[] {x}, 0, 1);
        }
        List<Pdu> out = drain(p);
        assertEquals(3, out.size());
        assertEquals(RpcPipe.BIND_ACK, out.get(0).ptype());
        assertEquals(2, out.get(1).callId());
        assertEquals(3, out.get(2).callId());
        RpcPipe q = pipe(1);
        write(q, b); // all in one write
        assertEquals(3, drain(q).size());
    }

    @Test
    void fragmentedRequestIsReassembled() throws Exception {
        RpcPipe p = bound();
        NdrWriter w = new NdrWriter();
        w.pointer(true).string("\\\\TESTSRV").string("share0").u32(2);
        byte[] stub = w.toByteArray();
        int a = 8;
        int b = 24;
        write(p, request(5, RpcPipe.PFC_FIRST_FRAG, 0, Srvsvc.OP_SHARE_GET_INFO, java.util.Arrays.copyOfRange(stub, 0, a)));
        write(p, request(5, 0, 0, Srvsvc.OP_SHARE_GET_INFO, java.util.Arrays.copyOfRange(stub, a, b)));
        assertEquals(0, p.available(), "no answer before the last fragment");
        write(p, request(5, RpcPipe.PFC_LAST_FRAG, 0, Srvsvc.OP_SHARE_GET_INFO,
                java.util.Arrays.copyOfRange(stub, b, stub.length)));
        NdrReader r = new NdrReader(one(p).stub());
        assertEquals(2, r.u32());
        assertNotEquals(0, r.pointer());
        r.pointer();
        assertEquals(0, r.u32());
    }

    @Test
    void middleFragmentWithoutFirstIsProtocolError() throws Exception {
        RpcPipe p = bound();
        write(p, request(6, 0, 0, Srvsvc.OP_SHARE_ENUM, enumStub(1)));
        assertEquals(RpcFault.NCA_S_PROTO_ERROR, one(p).faultStatus());
        write(p, request(7, RpcPipe.PFC_FIRST_FRAG, 0, Srvsvc.OP_SHARE_ENUM, new byte[8]));
        write(p, request(8, RpcPipe.PFC_LAST_FRAG, 0, Srvsvc.OP_SHARE_ENUM, new byte[8]));
        assertEquals(RpcFault.NCA_S_PROTO_ERROR, one(p).faultStatus(), "another call's last fragment");
    }

    @Test
    void oversizedRequestIsRefusedAfterItsLastFragment() throws Exception {
        RpcPipe p = bound();
        byte[] chunk = new byte[4096];
        write(p, request(9, RpcPipe.PFC_FIRST_FRAG, 0, Srvsvc.OP_SHARE_ENUM, chunk));
        for (int i = 0; i < RpcPipe.MAX_REQUEST_STUB / chunk.length + 1; i++) {
            write(p, request(9, 0, 0, Srvsvc.OP_SHARE_ENUM, chunk));
        }
        assertEquals(0, p.available());
        write(p, request(9, RpcPipe.PFC_LAST_FRAG, 0, Srvsvc.OP_SHARE_ENUM, chunk));
        assertEquals(RpcFault.NCA_S_FAULT_REMOTE_NO_MEMORY, one(p).faultStatus());
    }

    @Test
    void largeResponseIsFragmentedAtTheClientsReceiveSize() throws Exception {
        RpcPipe p = pipe(300);
        write(p, bind(RpcPipe.BIND, 1, RpcPipe.MAX_FRAG, RpcPipe.MIN_FRAG, srvsvc(0, NDR)));
        one(p);
        write(p, request(2, Srvsvc.OP_SHARE_ENUM, enumStub(1)));
        List<Pdu> frags = drain(p);
        assertTrue(frags.size() > 5, "fragments: " + frags.size());
        ByteArrayOutputStream stub = new ByteArrayOutputStream();
        for (int i = 0; i < frags.size(); i++) {
            Pdu f = frags.get(i);
            assertTrue(f.bytes().length <= RpcPipe.MIN_FRAG);
            assertEquals(i == 0, (f.flags() & RpcPipe.PFC_FIRST_FRAG) != 0);
            assertEquals(i == frags.size() - 1, (f.flags() & RpcPipe.PFC_LAST_FRAG) != 0);
            byte[] s = f.stub();
            if (i < frags.size() - 1) {
                assertEquals(0, s.length % 8);
            }
            NdrReader r = f.body();
            assertEquals(SrvsvcTest.totalStubLength(frags) - stub.size(), r.u32(), "alloc_hint: the rest");
            stub.writeBytes(s);
        }
        List<String> names = SrvsvcTest.enumNames(new NdrReader(stub.toByteArray()), 1);
        assertEquals(301, names.size());
        assertEquals("IPC$", names.get(300));
    }

    @Test
    void messageModeReadsStopAtThePduAndReportTruncation() {
        RpcPipe p = pipe(1);
        byte[] b = bind(1, srvsvc(0, NDR));
        write(p, b);
        write(p, b);
        int len = p.headRemaining();
        assertEquals(2, p.messages());
        RpcPipe.Chunk c = p.read(10, true);
        assertEquals(10, c.data().length);
        assertTrue(c.truncated());
        assertArrayEquals(p.peek(4), java.util.Arrays.copyOfRange(p.peek(100), 0, 4));
        c = p.read(1 << 16, true);
        assertEquals(len - 10, c.data().length);
        assertFalse(c.truncated());
        assertEquals(1, p.messages());
        c = p.read(1 << 16, false);
        assertEquals(len, c.data().length);
        assertEquals(0, p.available());
        assertEquals(0, p.read(100, true).data().length);
    }

    @Test
    void bindWithOtherVersionOrBigEndianOrAuthenticationIsNaked() throws Exception {
        byte[] b = bind(1, srvsvc(0, NDR));
        b[0] = 5;
        b[1] = 7; // minor version 7
        RpcPipe p = pipe(1);
        write(p, b);
        Pdu nak = one(p);
        assertEquals(RpcPipe.BIND_NAK, nak.ptype());
        assertEquals(RpcPipe.PROTOCOL_VERSION_NOT_SUPPORTED, nak.body().u16());
        b = bind(1, srvsvc(0, NDR));
        b[4] = 0; // big-endian integers
        write(p, b);
        assertEquals(RpcPipe.BIND_NAK, one(p).ptype());
        NdrWriter auth = new NdrWriter();
        auth.u16(RpcPipe.MAX_FRAG).u16(RpcPipe.MAX_FRAG).u32(0).u8(0).u8(0).u16(0);
        auth.u8(10).u8(2).u8(0).u8(0).u32(0).bytes(new byte[16]); // an NTLMSSP auth_verifier
        write(p, RpcPdus.header(RpcPipe.BIND, 3, 2, auth.toByteArray(), 16));
        nak = one(p);
        assertEquals(RpcPipe.BIND_NAK, nak.ptype());
        assertEquals(RpcPipe.AUTHENTICATION_TYPE_NOT_RECOGNIZED, nak.body().u16());
    }

    @Test
    void truncatedBindBodyIsNaked() throws Exception {
        byte[] b = bind(1, srvsvc(0, NDR));
        NdrWriter body = new NdrWriter();
        body.bytes(java.util.Arrays.copyOfRange(b, 16, b.length - 10)); // the context cut short
        RpcPipe p = pipe(1);
        write(p, RpcPdus.header(RpcPipe.BIND, 3, 1, body.toByteArray(), 0));
        Pdu nak = one(p);
        assertEquals(RpcPipe.BIND_NAK, nak.ptype());
        assertEquals(RpcPipe.REASON_NOT_SPECIFIED, nak.body().u16());
    }

    @Test
    void streamOutOfStepIsFaultedAndTheNextPduWorks() throws Exception {
        RpcPipe p = bound();
        byte[] bad = request(4, Srvsvc.OP_SHARE_ENUM, enumStub(1));
        bad[8] = 4; // frag_length 4
        bad[9] = 0;
        write(p, bad);
        assertEquals(RpcFault.NCA_S_PROTO_ERROR, one(p).faultStatus());
        byte[] v4 = request(5, Srvsvc.OP_SHARE_ENUM, enumStub(1));
        v4[0] = 4;
        write(p, v4);
        assertEquals(RpcFault.NCA_S_PROTO_ERROR, one(p).faultStatus());
        write(p, request(6, Srvsvc.OP_SHARE_ENUM, enumStub(1)));
        assertEquals(RpcPipe.RESPONSE, one(p).ptype());
    }

    @Test
    void serverOnlyAndUnknownPduTypesAreFaultedNoticeTypesIgnored() throws Exception {
        RpcPipe p = bound();
        for (int type : new int[] {RpcPipe.RESPONSE, RpcPipe.FAULT, RpcPipe.BIND_ACK, 1, 42, 255}) {
            write(p, RpcPdus.header(type, 3, 11, new byte[8], 0));
            assertEquals(RpcFault.NCA_S_PROTO_ERROR, one(p).faultStatus(), "type " + type);
        }
        for (int type : new int[] {RpcPipe.AUTH3, RpcPipe.SHUTDOWN, RpcPipe.CO_CANCEL, RpcPipe.ORPHANED}) {
            write(p, RpcPdus.header(type, 3, 11, new byte[8], 0));
            assertEquals(0, p.available(), "type " + type);
        }
        write(p, RpcPdus.header(RpcPipe.REQUEST, 3, 12, new byte[3], 0)); // request header cut short
        assertEquals(RpcFault.NCA_S_PROTO_ERROR, one(p).faultStatus());
        write(p, RpcPdus.header(RpcPipe.REQUEST, 3, 13, new byte[8], 200)); // auth_length beyond the PDU
        assertEquals(RpcFault.NCA_S_PROTO_ERROR, one(p).faultStatus());
    }

    @Test
    void badStubDataIsNdrFault() throws Exception {
        RpcPipe p = bound();
        NdrWriter w = new NdrWriter();
        w.pointer(false).u32(1000).u32(0).u32(1000); // NetName claiming 1000 units, none present
        write(p, request(2, Srvsvc.OP_SHARE_GET_INFO, w.toByteArray()));
        assertEquals(RpcFault.NCA_S_FAULT_NDR, one(p).faultStatus());
        w = new NdrWriter();
        w.pointer(false).u32(2).u32(0).u32(3).bytes(new byte[6]).u32(1); // actual count above the maximum
        write(p, request(3, Srvsvc.OP_SHARE_GET_INFO, w.toByteArray()));
        assertEquals(RpcFault.NCA_S_FAULT_NDR, one(p).faultStatus());
        write(p, request(4, Srvsvc.OP_SHARE_ENUM, new byte[5]));
        assertEquals(RpcFault.NCA_S_FAULT_NDR, one(p).faultStatus());
        write(p, request(5, Srvsvc.OP_SERVER_GET_INFO, new byte[0]));
        assertEquals(RpcFault.NCA_S_FAULT_NDR, one(p).faultStatus());
    }

    @Test
    void randomInputNeverThrowsAndEveryAnswerIsAPdu() {
        Random rnd = new Random(42);
        for (int round = 0; round < 3000; round++) {
            RpcPipe p = round % 2 == 0 ? pipe(2) : bound();
            byte[] b = round % 3 == 0 ? bind(1, srvsvc(0, NDR)) : request(round, rnd.nextInt(24), enumStub(1));
            int flips = 1 + rnd.nextInt(6);
            for (int i = 0; i < flips; i++) {
                b[rnd.nextInt(b.length)] = (byte) rnd.nextInt(256);
            }
            if (rnd.nextBoolean()) {
                b = java.util.Arrays.copyOf(b, rnd.nextInt(b.length + 1));
            }
            p.write(b, 0, b.length);
            for (Pdu pdu : drain(p)) {
                assertTrue(pdu.ptype() == RpcPipe.RESPONSE || pdu.ptype() == RpcPipe.FAULT
                        || pdu.ptype() == RpcPipe.BIND_ACK || pdu.ptype() == RpcPipe.BIND_NAK, "type " + pdu.ptype());
            }
        }
    }
}
