package io.bucketfs.smb.server;

import io.bucketfs.vfs.Vfs;
import java.util.Locale;
import java.util.Set;
import java.util.stream.Collectors;

/**
 * A share ([MS-SMB2] 3.3.1.6): a VFS mount served under a name, or IPC$ ({@code vfs} null).
 *
 * @param encrypt Share.EncryptData with RejectUnencryptedAccess: TREE_CONNECT answers
 *     SMB2_SHAREFLAG_ENCRYPT_DATA, refuses clients that cannot encrypt (2.x dialects, 3.x without a cipher)
 *     with ACCESS_DENIED, and every later request on the tree must arrive encrypted (else ACCESS_DENIED)
 * @param users the users who may connect to it (names, any case); empty: every user. Others get ACCESS_DENIED
 *     at TREE_CONNECT.
 */
public record Share(String name, Vfs vfs, boolean encrypt, Set<String> users) {

    public Share {
        users = users == null ? Set.of() : users.stream().map(u -> u.toLowerCase(Locale.ROOT))
                .collect(Collectors.toUnmodifiableSet());
    }

    /** A share every user may connect to. */
    public Share(String name, Vfs vfs, boolean encrypt) {
        this(name, vfs, encrypt, Set.of());
    }

    /** An unencrypted share every user may connect to. */
    public Share(String name, Vfs vfs) {
        this(name, vfs, false);
    }

    /** Whether {@code user} may connect. */
    boolean admits(String user) {
        return users.isEmpty() || (user != null && users.contains(user.toLowerCase(Locale.ROOT)));
    }

    boolean isIpc() {
        return vfs == null;
    }

    /**
     * The volume's GUID ([MS-FSCC] 2.5.6 FileFsObjectIdInformation, the BirthVolumeId of object ids): derived from
     * the share's name, so it stays the same across restarts.
     */
    java.util.UUID volumeId() {
        return java.util.UUID.nameUUIDFromBytes(name.getBytes(java.nio.charset.StandardCharsets.UTF_8));
    }
}
