package io.bucketfs.smb.rpc;

import java.io.ByteArrayOutputStream;
import java.util.ArrayDeque;
import java.util.Arrays;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.atomic.AtomicInteger;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The server end of a connection-oriented RPC association over one named-pipe open ([C706] 12, [MS-RPCE]
 * 2.2.2 and 3.3.1.5 over the ncacn_np transport, 2.1.1.2): bytes the client writes are cut into PDUs (by
 * frag_length, across writes), BIND/ALTER_CONTEXT negotiate presentation contexts (NDR 2.0 only; NDR64 and
 * others are refused per context; bind-time feature negotiation is acknowledged), REQUEST fragments are
 * reassembled and the call run on the bound {@link RpcInterface}, and the answer (RESPONSE fragments, a FAULT,
 * BIND_ACK or BIND_NAK) queued as one pipe message per PDU for reads. Malformed PDUs are answered with a
 * FAULT (nca_s_proto_error) or BIND_NAK; nothing here throws for client input. No authentication
 * (auth_length must be 0): srvsvc over SMB relies on the SMB session.
 *
 * <p>Not thread-safe by itself: the SMB connection runs one request at a time; methods are synchronized for
 * the rare multi-connection session.
 */
public final class RpcPipe {
    private static final Logger LOG = LoggerFactory.getLogger(RpcPipe.class);
    /** Our largest fragment, sent and received: {@value} (as Windows). */
    public static final int MAX_FRAG = 4280;
    /** [MS-RPCE] 3.3.1.5.2 MustRecvFragSize: the smallest fragment size an implementation accepts: {@value}. */
    public static final int MIN_FRAG = 1432;
    /** The largest reassembled request stub: {@value} bytes; a longer call is answered with a fault. */
    public static final int MAX_REQUEST_STUB = 1 << 18;
    /** Output not yet read above which writes are refused (the client must read its answers): {@value}. */
    public static final int MAX_PENDING_OUTPUT = 256 << 10;

    static final int HEADER = 16;
    // [C706] 12.6.3.1 PTYPE
    static final int REQUEST = 0;
    static final int RESPONSE = 2;
    static final int FAULT = 3;
    static final int BIND = 11;
    static final int BIND_ACK = 12;
    static final int BIND_NAK = 13;
    static final int ALTER_CONTEXT = 14;
    static final int ALTER_CONTEXT_RESP = 15;
    static final int AUTH3 = 16;
    static final int SHUTDOWN = 17;
    static final int CO_CANCEL = 18;
    static final int ORPHANED = 19;
    // pfc_flags
    static final int PFC_FIRST_FRAG = 0x01;
    static final int PFC_LAST_FRAG = 0x02;
    static final int PFC_DID_NOT_EXECUTE = 0x20;
    static final int PFC_OBJECT_UUID = 0x80;
    // p_cont_def_result_t and p_provider_reason_t ([C706] 12.6.3.1, [MS-RPCE] 2.2.2.4)
    static final int ACCEPTANCE = 0;
    static final int PROVIDER_REJECTION = 2;
    static final int NEGOTIATE_ACK = 3;
    static final int ABSTRACT_SYNTAX_NOT_SUPPORTED = 1;
    static final int PROPOSED_TRANSFER_SYNTAXES_NOT_SUPPORTED = 2;
    // p_reject_reason_t
    static final int REASON_NOT_SPECIFIED = 0;
    static final int PROTOCOL_VERSION_NOT_SUPPORTED = 4;
    static final int AUTHENTICATION_TYPE_NOT_RECOGNIZED = 8;

    /** The NDR 2.0 transfer syntax, version 2. */
    public static final UUID NDR = UUID.fromString("8a885d04-1ceb-11c9-9fe8-08002b104860");
    public static final int NDR_VERSION = 2;
    /** [MS-RPCE] 3.3.1.5.3 bind time feature negotiation: this prefix, version 1, the bitmask in the last 8 bytes. */
    static final long FEATURE_NEGOTIATION_PREFIX = 0x6cb71c2c98124540L;
    /** The features we grant: keep the connection on an orphaned call (we do; we never close on one). */
    static final int FEATURES_SUPPORTED = 0x2;
    private static final AtomicInteger ASSOC_GROUPS = new AtomicInteger(0x5bf0);

    private final String secondaryAddress;
    private final List<RpcInterface> interfaces;
    private final Map<Integer, RpcInterface> contexts = new HashMap<>();
    private byte[] input = new byte[0];
    private int inputLength;
    private final ArrayDeque<byte[]> output = new ArrayDeque<>();
    /** Bytes of the head output message already read. */
    private int headRead;
    private long outputBytes;
    private int xmitFrag = MAX_FRAG;
    private int assocGroup;
    private int minorVersion;
    private Call call;

    /** A request being reassembled from its fragments. */
    private static final class Call {
        final int id;
        final int contextId;
        final int opnum;
        final ByteArrayOutputStream stub = new ByteArrayOutputStream();
        boolean tooLong;

        Call(int id, int contextId, int opnum) {
            this.id = id;
            this.contextId = contextId;
            this.opnum = opnum;
        }
    }

    /**
     * @param secondaryAddress the endpoint named in BIND_ACK, e.g. {@code \PIPE\srvsvc}
     * @param interfaces the interfaces a client may bind
     */
    public RpcPipe(String secondaryAddress, List<RpcInterface> interfaces) {
        this.secondaryAddress = secondaryAddress;
        this.interfaces = List.copyOf(interfaces);
    }

    /** Whether a write is accepted now: the output queue holds less than {@link #MAX_PENDING_OUTPUT}. */
    public synchronized boolean canWrite() {
        return outputBytes < MAX_PENDING_OUTPUT;
    }

    /** Takes bytes the client wrote; every complete PDU among them is processed and its answer queued. */
    public synchronized void write(byte[] data, int offset, int length) {
        if (inputLength + length > input.length) {
            input = Arrays.copyOf(input, Math.max(inputLength + length, 2 * input.length));
        }
        System.arraycopy(data, offset, input, inputLength, length);
        inputLength += length;
        int at = 0;
        while (inputLength - at >= 10) {
            int fragLength = u16(input, at + 8);
            if ((input[at] & 0xFF) != 5 || fragLength < HEADER) {
                int callId = inputLength - at >= HEADER ? u32(input, at + 12) : 0;
                LOG.debug("RPC stream on {} out of step (version {}, frag_length {}): dropped", secondaryAddress,
                        input[at] & 0xFF, fragLength);
                fault(callId, 0, RpcFault.NCA_S_PROTO_ERROR);
                at = inputLength;
                call = null;
                break;
            }
            if (inputLength - at < fragLength) {
                break;
            }
            pdu(Arrays.copyOfRange(input, at, at + fragLength));
            at += fragLength;
        }
        System.arraycopy(input, at, input, 0, inputLength - at);
        inputLength -= at;
    }

    /** Bytes of output not yet read, over all queued messages. */
    public synchronized long available() {
        return outputBytes;
    }

    /** Messages (PDUs) queued, the head one counted even if partly read. */
    public synchronized int messages() {
        return output.size();
    }

    /** Unread bytes of the head message (0 when nothing is queued). */
    public synchronized int headRemaining() {
        return output.isEmpty() ? 0 : output.peekFirst().length - headRead;
    }

    /** Output handed to a read: the bytes, and whether the message they came from goes on (message mode). */
    public record Chunk(byte[] data, boolean truncated) {
    }

    /**
     * Reads queued output: in message mode at most the rest of the head message ({@link Chunk#truncated()} when
     * more of it is left), in byte mode across messages. Empty when nothing is queued.
     */
    public synchronized Chunk read(int max, boolean messageMode) {
        ByteArrayOutputStream out = new ByteArrayOutputStream(Math.min(max, MAX_FRAG));
        boolean truncated = false;
        while (!output.isEmpty()) {
            byte[] head = output.peekFirst();
            int n = Math.min(head.length - headRead, max - out.size());
            out.write(head, headRead, n);
            headRead += n;
            outputBytes -= n;
            if (headRead < head.length) {
                truncated = messageMode;
                break;
            }
            output.pollFirst();
            headRead = 0;
            if (messageMode) {
                break;
            }
        }
        return new Chunk(out.toByteArray(), truncated);
    }

    /** Up to {@code max} unread bytes of the head message, left queued. */
    public synchronized byte[] peek(int max) {
        if (output.isEmpty()) {
            return new byte[0];
        }
        byte[] head = output.peekFirst();
        return Arrays.copyOfRange(head, headRead, headRead + Math.min(max, head.length - headRead));
    }

    private void queue(byte[] pdu) {
        output.addLast(pdu);
        outputBytes += pdu.length;
    }

    private void pdu(byte[] p) {
        int ptype = p[2] & 0xFF;
        int flags = p[3] & 0xFF;
        int authLength = u16(p, 10);
        int callId = u32(p, 12);
        int bodyEnd = p.length - (authLength == 0 ? 0 : authLength + 8);
        boolean versionOk = (p[1] & 0xFF) <= 1;
        boolean littleEndian = (p[4] & 0xF0) == 0x10;
        if (ptype == BIND && (!versionOk || !littleEndian)) {
            nak(callId, versionOk ? REASON_NOT_SPECIFIED : PROTOCOL_VERSION_NOT_SUPPORTED);
            return;
        }
        if (!versionOk || !littleEndian || p.length < HEADER || bodyEnd < HEADER) {
            fault(callId, 0, RpcFault.NCA_S_PROTO_ERROR);
            return;
        }
        NdrReader body = new NdrReader(p, HEADER, bodyEnd - HEADER);
        switch (ptype) {
            case BIND, ALTER_CONTEXT -> bind(p, body, ptype == ALTER_CONTEXT, callId, authLength);
            case REQUEST -> request(body, flags, callId, authLength);
            case AUTH3, SHUTDOWN, CO_CANCEL -> LOG.debug("RPC PDU type {} on {} ignored", ptype, secondaryAddress);
            case ORPHANED -> {
                if (call != null && call.id == callId) {
                    call = null;
                }
            }
            default -> {
                LOG.debug("RPC PDU type {} from a client on {}", ptype, secondaryAddress);
                fault(callId, 0, RpcFault.NCA_S_PROTO_ERROR);
            }
        }
    }

    private void bind(byte[] p, NdrReader r, boolean alter, int callId, int authLength) {
        if (authLength != 0) {
            LOG.debug("authenticated RPC bind on {} refused", secondaryAddress);
            if (alter) {
                fault(callId, 0, RpcFault.NCA_S_PROTO_ERROR);
            } else {
                nak(callId, AUTHENTICATION_TYPE_NOT_RECOGNIZED);
            }
            return;
        }
        NdrWriter results = new NdrWriter();
        int maxXmit;
        int maxRecv;
        int group;
        int count;
        Map<Integer, RpcInterface> accepted = new HashMap<>();
        try {
            maxXmit = r.u16();
            maxRecv = r.u16();
            group = r.u32();
            count = r.u8();
            r.u8();
            r.u16();
            for (int i = 0; i < count; i++) {
                int contextId = r.u16();
                int transfers = r.u8();
                r.u8();
                UUID abstractSyntax = r.uuid();
                int version = r.u32();
                int result = PROVIDER_REJECTION;
                int reason = PROPOSED_TRANSFER_SYNTAXES_NOT_SUPPORTED;
                UUID chosen = null;
                int chosenVersion = 0;
                RpcInterface iface = find(abstractSyntax, version);
                for (int t = 0; t < transfers; t++) {
                    UUID syntax = r.uuid();
                    int syntaxVersion = r.u32();
                    if (syntax.getMostSignificantBits() == FEATURE_NEGOTIATION_PREFIX && syntaxVersion == 1) {
                        result = NEGOTIATE_ACK;
                        reason = (int) Long.reverseBytes(syntax.getLeastSignificantBits()) & FEATURES_SUPPORTED;
                    } else if (iface != null && chosen == null && syntax.equals(NDR) && syntaxVersion == NDR_VERSION) {
                        chosen = syntax;
                        chosenVersion = syntaxVersion;
                    }
                }
                if (result != NEGOTIATE_ACK) {
                    if (iface == null) {
                        reason = ABSTRACT_SYNTAX_NOT_SUPPORTED;
                    } else if (chosen != null) {
                        result = ACCEPTANCE;
                        reason = 0;
                        accepted.put(contextId, iface);
                    }
                }
                results.u16(result).u16(reason);
                results.uuid(chosen == null ? new UUID(0, 0) : chosen).u32(chosenVersion);
            }
        } catch (NdrException e) {
            LOG.debug("malformed RPC {} on {}: {}", alter ? "ALTER_CONTEXT" : "BIND", secondaryAddress, e.getMessage());
            if (alter) {
                fault(callId, 0, RpcFault.NCA_S_PROTO_ERROR);
            } else {
                nak(callId, REASON_NOT_SPECIFIED);
            }
            return;
        }
        if (!alter) {
            minorVersion = p[1] & 0xFF;
            xmitFrag = Math.max(MIN_FRAG, Math.min(maxRecv, MAX_FRAG));
            assocGroup = group != 0 ? group : ASSOC_GROUPS.incrementAndGet();
            contexts.clear();
        }
        contexts.putAll(accepted);
        NdrWriter ack = new NdrWriter();
        ack.u16(xmitFrag).u16(Math.max(MIN_FRAG, Math.min(maxXmit, MAX_FRAG))).u32(assocGroup);
        if (alter) {
            ack.u16(0);
        } else {
            byte[] addr = (secondaryAddress + "\0").getBytes(java.nio.charset.StandardCharsets.US_ASCII);
            ack.u16(addr.length).bytes(addr);
        }
        ack.align(4).u8(count).u8(0).u16(0).bytes(results.toByteArray());
        queue(encode(alter ? ALTER_CONTEXT_RESP : BIND_ACK, PFC_FIRST_FRAG | PFC_LAST_FRAG, callId, ack.toByteArray()));
    }

    private RpcInterface find(UUID abstractSyntax, int version) {
        for (RpcInterface i : interfaces) {
            if (i.uuid().equals(abstractSyntax) && (version & 0xFFFF) == i.majorVersion()
                    && (version >>> 16) <= i.minorVersion()) {
                return i;
            }
        }
        return null;
    }

    private void request(NdrReader r, int flags, int callId, int authLength) {
        int contextId;
        int opnum;
        try {
            r.u32(); // alloc_hint
            contextId = r.u16();
            opnum = r.u16();
            if ((flags & PFC_OBJECT_UUID) != 0) {
                r.uuid();
            }
        } catch (NdrException e) {
            fault(callId, 0, RpcFault.NCA_S_PROTO_ERROR);
            return;
        }
        if (authLength != 0) {
            fault(callId, contextId, RpcFault.NCA_S_PROTO_ERROR);
            return;
        }
        if ((flags & PFC_FIRST_FRAG) != 0) {
            call = new Call(callId, contextId, opnum);
        } else if (call == null || call.id != callId) {
            LOG.debug("RPC fragment of call {} on {} without its first fragment", callId, secondaryAddress);
            call = null;
            fault(callId, contextId, RpcFault.NCA_S_PROTO_ERROR);
            return;
        }
        Call c = call;
        if (c.stub.size() + r.remaining() > MAX_REQUEST_STUB) {
            c.tooLong = true;
            c.stub.reset();
        } else if (!c.tooLong) {
            try {
                c.stub.writeBytes(r.bytes(r.remaining()));
            } catch (NdrException e) {
                throw new IllegalStateException(e); // remaining() bytes are always there
            }
        }
        if ((flags & PFC_LAST_FRAG) == 0) {
            return;
        }
        call = null;
        if (c.tooLong) {
            fault(c.id, c.contextId, RpcFault.NCA_S_FAULT_REMOTE_NO_MEMORY);
            return;
        }
        RpcInterface iface = contexts.get(c.contextId);
        if (iface == null) {
            fault(c.id, c.contextId, RpcFault.NCA_S_UNK_IF);
            return;
        }
        byte[] stub;
        try {
            stub = iface.invoke(c.opnum, new NdrReader(c.stub.toByteArray()));
        } catch (RpcFault f) {
            LOG.debug("RPC call {} opnum {} on {}: fault 0x{}", c.id, c.opnum, secondaryAddress,
                    Integer.toHexString(f.status()));
            fault(c.id, c.contextId, f.status());
            return;
        } catch (NdrException e) {
            LOG.debug("RPC call {} opnum {} on {}: bad stub data: {}", c.id, c.opnum, secondaryAddress,
                    e.getMessage());
            fault(c.id, c.contextId, RpcFault.NCA_S_FAULT_NDR);
            return;
        }
        respond(c, stub);
    }

    /** Queues the RESPONSE fragments of a call; every fragment but the last carries a multiple of 8 stub bytes. */
    private void respond(Call c, byte[] stub) {
        int perFragment = (xmitFrag - HEADER - 8) & ~7;
        int at = 0;
        do {
            int n = Math.min(perFragment, stub.length - at);
            int flags = (at == 0 ? PFC_FIRST_FRAG : 0) | (at + n == stub.length ? PFC_LAST_FRAG : 0);
            NdrWriter body = new NdrWriter();
            body.u32(stub.length - at).u16(c.contextId).u8(0).u8(0);
            body.bytes(Arrays.copyOfRange(stub, at, at + n));
            queue(encode(RESPONSE, flags, c.id, body.toByteArray()));
            at += n;
        } while (at < stub.length);
    }

    private void fault(int callId, int contextId, int status) {
        NdrWriter body = new NdrWriter();
        body.u32(0).u16(contextId).u8(0).u8(0).u32(status).u32(0);
        queue(encode(FAULT, PFC_FIRST_FRAG | PFC_LAST_FRAG | PFC_DID_NOT_EXECUTE, callId, body.toByteArray()));
    }

    private void nak(int callId, int reason) {
        NdrWriter body = new NdrWriter();
        body.u16(reason).u8(1).u8(5).u8(0);
        queue(encode(BIND_NAK, PFC_FIRST_FRAG | PFC_LAST_FRAG, callId, body.toByteArray()));
    }

    /** A PDU: the common header ([C706] 12.6.3.1; little-endian, ASCII, IEEE) and {@code body}. */
    private byte[] encode(int ptype, int flags, int callId, byte[] body) {
        NdrWriter w = new NdrWriter();
        w.u8(5).u8(minorVersion).u8(ptype).u8(flags).u8(0x10).u8(0).u8(0).u8(0);
        w.u16(HEADER + body.length).u16(0).u32(callId).bytes(body);
        return w.toByteArray();
    }

    private static int u16(byte[] b, int at) {
        return (b[at] & 0xFF) | (b[at + 1] & 0xFF) << 8;
    }

    private static int u32(byte[] b, int at) {
        return u16(b, at) | u16(b, at + 2) << 16;
    }
}
