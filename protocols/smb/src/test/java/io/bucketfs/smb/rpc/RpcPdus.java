package io.bucketfs.smb.rpc;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.util.ArrayList;
import java.util.List;
import java.util.UUID;

/** Client-side PDU builders and a parser of the server's PDUs, for the RPC tests. */
final class RpcPdus {
    static final UUID NDR64 = UUID.fromString("71710533-beba-4937-8319-b5dbef9ccc36");
    /** Bind time feature negotiation offering security context multiplexing and keep-on-orphan (bits 1|2). */
    static final UUID FEATURES = UUID.fromString("6cb71c2c-9812-4540-0300-000000000000");

    private RpcPdus() {
    }

    record Syntax(UUID uuid, int version) {
    }

    record Context(int id, Syntax abstractSyntax, List<Syntax> transfers) {
    }

    static Context srvsvc(int id, Syntax... transfers) {
        return new Context(id, new Syntax(Srvsvc.UUID_SRVSVC, 3), List.of(transfers));
    }

    static final Syntax NDR = new Syntax(RpcPipe.NDR, 2);

    static byte[] header(int ptype, int flags, int callId, byte[] body, int authLength) {
        NdrWriter w = new NdrWriter();
        w.u8(5).u8(0).u8(ptype).u8(flags).u8(0x10).u8(0).u8(0).u8(0);
        w.u16(16 + body.length).u16(authLength).u32(callId).bytes(body);
        return w.toByteArray();
    }

    static byte[] bind(int ptype, int callId, int maxXmit, int maxRecv, Context... contexts) {
        NdrWriter b = new NdrWriter();
        b.u16(maxXmit).u16(maxRecv).u32(0).u8(contexts.length).u8(0).u16(0);
        for (Context c : contexts) {
            b.u16(c.id()).u8(c.transfers().size()).u8(0).uuid(c.abstractSyntax().uuid()).u32(c.abstractSyntax().version());
            for (Syntax t : c.transfers()) {
                b.uuid(t.uuid()).u32(t.version());
            }
        }
        return header(ptype, 3, callId, b.toByteArray(), 0);
    }

    static byte[] bind(int callId, Context... contexts) {
        return bind(RpcPipe.BIND, callId, RpcPipe.MAX_FRAG, RpcPipe.MAX_FRAG, contexts);
    }

    static byte[] request(int callId, int flags, int contextId, int opnum, byte[] stub) {
        NdrWriter b = new NdrWriter();
        b.u32(stub.length).u16(contextId).u16(opnum).bytes(stub);
        return header(RpcPipe.REQUEST, flags, callId, b.toByteArray(), 0);
    }

    static byte[] request(int callId, int opnum, byte[] stub) {
        return request(callId, 3, 0, opnum, stub);
    }

    /** A PDU the server sent. */
    record Pdu(int ptype, int flags, int callId, byte[] bytes) {
        NdrReader body() {
            return new NdrReader(bytes, 16, bytes.length - 16);
        }

        /** The fault status of a FAULT PDU. */
        int faultStatus() throws NdrException {
            assertEquals(RpcPipe.FAULT, ptype, "not a fault");
            NdrReader r = body();
            r.u32();
            r.u16();
            r.u8();
            r.u8();
            return r.u32();
        }

        /** The stub of a RESPONSE PDU. */
        byte[] stub() throws NdrException {
            assertEquals(RpcPipe.RESPONSE, ptype, "not a response");
            NdrReader r = body();
            r.u32();
            r.u16();
            r.u8();
            r.u8();
            return r.bytes(r.remaining());
        }
    }

    static Pdu parse(byte[] b) {
        assertEquals(5, b[0]);
        int fragLength = (b[8] & 0xFF) | (b[9] & 0xFF) << 8;
        assertEquals(b.length, fragLength, "one PDU per message");
        int callId = (b[12] & 0xFF) | (b[13] & 0xFF) << 8 | (b[14] & 0xFF) << 16 | (b[15] & 0xFF) << 24;
        return new Pdu(b[2] & 0xFF, b[3] & 0xFF, callId, b);
    }

    /** Every queued message, parsed. */
    static List<Pdu> drain(RpcPipe p) {
        List<Pdu> out = new ArrayList<>();
        while (p.available() > 0) {
            out.add(parse(p.read(1 << 16, true).data()));
        }
        return out;
    }

    /** The one PDU the last write produced. */
    static Pdu one(RpcPipe p) {
        List<Pdu> l = drain(p);
        assertEquals(1, l.size(), "PDUs queued");
        return l.get(0);
    }

    static void write(RpcPipe p, byte[] b) {
        p.write(b, 0, b.length);
    }
}
