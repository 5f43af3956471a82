package io.bucketfs.nfs.export;

import java.net.InetAddress;
import java.net.UnknownHostException;
import java.util.Arrays;

/** An IPv4 or IPv6 network in CIDR notation ({@code 10.0.0.0/8}, {@code ::1/128}; a bare address is a /32 or /128). */
public final class Cidr {

    private final byte[] network;
    private final int prefix;
    private final String text;

    private Cidr(byte[] network, int prefix, String text) {
        this.network = network;
        this.prefix = prefix;
        this.text = text;
    }

    /** Parses {@code text}; a malformed network is an {@link IllegalArgumentException} saying why. */
    public static Cidr parse(String text) {
        String t = text == null ? "" : text.trim();
        if (t.isEmpty()) {
            throw new IllegalArgumentException("empty network");
        }
        int slash = t.indexOf('/');
        String addr = slash < 0 ? t : t.substring(0, slash);
        if (!addr.matches("[0-9a-fA-F:.]+")) { // never a DNS lookup
            throw new IllegalArgumentException("not an IP address: " + addr);
        }
        byte[] bytes;
        try {
            bytes = InetAddress.getByName(addr).getAddress();
        } catch (UnknownHostException e) {
            throw new IllegalArgumentException("not an IP address: " + addr);
        }
        int max = bytes.length * 8;
        int prefix = max;
        if (slash >= 0) {
            try {
                prefix = Integer.parseInt(t.substring(slash + 1));
            } catch (NumberFormatException e) {
                throw new IllegalArgumentException("bad prefix length in " + t);
            }
            if (prefix < 0 || prefix > max) {
                throw new IllegalArgumentException("prefix length of " + t + " must be 0-" + max);
            }
        }
        return new Cidr(mask(bytes, prefix), prefix, t);
    }

    /** Whether {@code address} is in this network (an IPv4-mapped IPv6 address counts as IPv4). */
    public boolean contains(InetAddress address) {
        byte[] a = address.getAddress();
        if (a.length == 16 && network.length == 4 && isV4Mapped(a)) {
            a = Arrays.copyOfRange(a, 12, 16);
        }
        return a.length == network.length && Arrays.equals(mask(a, prefix), network);
    }

    private static boolean isV4Mapped(byte[] a) {
        for (int i = 0; i < 10; i++) {
            if (a[i] != 0) {
                return false;
            }
        }
        return a[10] == (byte) 0xff && a[11] == (byte) 0xff;
    }

    private static byte[] mask(byte[] address, int prefix) {
        byte[] out = address.clone();
        for (int i = 0; i < out.length; i++) {
            int bits = Math.max(0, Math.min(8, prefix - i * 8));
            out[i] &= (byte) (0xff << (8 - bits));
        }
        return out;
    }

    @Override
    public boolean equals(Object o) {
        return o instanceof Cidr c && c.prefix == prefix && Arrays.equals(c.network, network);
    }

    @Override
    public int hashCode() {
        return 31 * Arrays.hashCode(network) + prefix;
    }

    @Override
    public String toString() {
        return text;
    }
}
