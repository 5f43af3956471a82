package io.bucketfs.nfs.v4.state;

import java.util.HexFormat;

/** An NFSv4.1 session (RFC 8881 2.10): its id, its client, and the slots of its fore channel. */
public final class Session {

    public static final int ID_LENGTH = 16;

    private final byte[] id;
    private final ClientRecord client;
    private final Slot[] slots;
    private final ChannelAttrs fore;
    private final ChannelAttrs back;

    Session(byte[] id, ClientRecord client, ChannelAttrs fore, ChannelAttrs back) {
        this.id = id.clone();
        this.client = client;
        this.fore = fore;
        this.back = back;
        this.slots = new Slot[fore.maxRequests()];
        for (int i = 0; i < slots.length; i++) {
            slots[i] = new Slot();
        }
    }

    public byte[] id() {
        return id.clone();
    }

    public String key() {
        return HexFormat.of().formatHex(id);
    }

    public ClientRecord client() {
        return client;
    }

    public ChannelAttrs fore() {
        return fore;
    }

    public ChannelAttrs back() {
        return back;
    }

    public int slotCount() {
        return slots.length;
    }

    /** The slot, or null if there is no such slot. */
    public Slot slot(int slotId) {
        return slotId >= 0 && slotId < slots.length ? slots[slotId] : null;
    }
}
