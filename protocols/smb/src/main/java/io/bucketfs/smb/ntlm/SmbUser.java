package io.bucketfs.smb.ntlm;

import io.bucketfs.vfs.Caller;
import java.util.Arrays;
import java.util.Objects;

/**
 * A user SMB clients authenticate as: the account name (compared case-insensitively), its NT hash
 * ([MS-NLMP] 3.3.1 NTOWFv1, MD4 of the UTF-16LE password) and the identity its requests carry into the VFS.
 * The hash is a secret: {@link #toString} leaves it out.
 */
public record SmbUser(String name, byte[] ntHash, Caller caller) {
    public SmbUser {
        Objects.requireNonNull(name, "name");
        Objects.requireNonNull(caller, "caller");
        if (ntHash == null || ntHash.length != 16) {
            throw new IllegalArgumentException("an NT hash is 16 bytes");
        }
        ntHash = ntHash.clone();
    }

    @Override
    public byte[] ntHash() {
        return ntHash.clone();
    }

    @Override
    public boolean equals(Object o) {
        return o instanceof SmbUser u && u.name.equals(name) && Arrays.equals(u.ntHash, ntHash)
                && u.caller.equals(caller);
    }

    @Override
    public int hashCode() {
        return name.hashCode();
    }

    @Override
    public String toString() {
        return "SmbUser[" + name + ", " + caller + "]";
    }
}
