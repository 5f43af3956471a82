package io.bucketfs.nfs.v4.attr;

import io.bucketfs.nfs.export.ExportRules;
import io.bucketfs.nfs.v4.Nfs4Exception;
import io.bucketfs.nfs.v4.NfsStat4;

/**
 * RFC 8881 5.9 owner and owner_group strings without an id mapper: ids go out as decimal strings ("1000"), the
 * form the Linux client sends and expects when idmapping is off; "root" and "nobody" (with or without
 * {@code @domain}) are accepted too. Anything else is NFS4ERR_BADOWNER.
 */
public final class Owners {

    private Owners() {
    }

    public static String toName(int id) {
        return Integer.toUnsignedString(id);
    }

    public static int toId(String name) throws Nfs4Exception {
        String n = name;
        int at = n.indexOf('@');
        if (at >= 0) {
            n = n.substring(0, at);
        }
        if (n.equals("root")) {
            return 0;
        }
        if (n.equals("nobody") || n.equals("nogroup")) {
            return ExportRules.NOBODY;
        }
        if (n.isEmpty() || n.length() > 10 || !n.chars().allMatch(c -> c >= '0' && c <= '9')) {
            throw new Nfs4Exception(NfsStat4.NFS4ERR_BADOWNER, "owner '" + name + "' is not numeric");
        }
        long v = Long.parseLong(n);
        if (v > 0xffffffffL) {
            throw new Nfs4Exception(NfsStat4.NFS4ERR_BADOWNER, "owner '" + name + "' out of range");
        }
        return (int) v;
    }
}
