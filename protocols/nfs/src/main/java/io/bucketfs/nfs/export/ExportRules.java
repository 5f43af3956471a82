package io.bucketfs.nfs.export;

import io.bucketfs.vfs.Caller;
import java.net.InetAddress;
import java.util.List;
import java.util.Objects;

/**
 * Who may use an export and as whom: the client networks allowed (empty = everyone), read-only, and root squash
 * (uid 0 becomes the anonymous uid/gid). Client source ports are never checked: behind NAT every client is one
 * address from a high port.
 */
public record ExportRules(List<Cidr> clients, boolean readOnly, boolean rootSquash, int anonUid, int anonGid) {

    /** The anonymous identity of Linux ({@code nobody}/{@code nogroup}). */
    public static final int NOBODY = 65534;

    /**
     * The networks an export admits when none are named: loopback and the private ranges (RFC 1918 and the IPv6
     * unique local addresses of RFC 4193) — never the whole Internet by default.
     */
    public static final List<Cidr> PRIVATE_NETWORKS = java.util.stream.Stream.of("127.0.0.0/8", "::1/128",
            "10.0.0.0/8", "172.16.0.0/12", "192.168.0.0/16", "fc00::/7").map(Cidr::parse).toList();

    /** The default of every export: {@link #PRIVATE_NETWORKS}, read-write, root squashed to nobody. */
    public static final ExportRules DEFAULT = new ExportRules(PRIVATE_NETWORKS, false, true, NOBODY, NOBODY);

    /** Everyone, read-write, root squash off (what tests and trusted setups ask for explicitly). */
    public static final ExportRules OPEN = new ExportRules(List.of(), false, false, NOBODY, NOBODY);

    public ExportRules {
        clients = List.copyOf(Objects.requireNonNull(clients, "clients"));
    }

    /** These rules with root squash on or off. */
    public ExportRules withRootSquash(boolean squash) {
        return new ExportRules(clients, readOnly, squash, anonUid, anonGid);
    }

    /** Whether a client at {@code address} may use the export at all. */
    public boolean admits(InetAddress address) {
        if (clients.isEmpty()) {
            return true;
        }
        for (Cidr c : clients) {
            if (c.contains(address)) {
                return true;
            }
        }
        return false;
    }

    /** The identity a request runs as: {@code caller}, squashed if it is root and root squash is on. */
    public Caller map(Caller caller) {
        if (rootSquash && caller.uid() == 0) {
            return new Caller(anonUid, anonGid, new int[0]);
        }
        return caller;
    }

    /** The identity of a request without AUTH_SYS credentials (AUTH_NONE). */
    public Caller anonymous() {
        return new Caller(anonUid, anonGid, new int[0]);
    }
}
