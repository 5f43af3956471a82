package io.bucketfs.smb.server;

import io.bucketfs.smb.mssmb2.NtStatus;
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
 * @param readOnly a write-protected volume ([MS-FSA] Volume.IsReadOnly): a CREATE asking for a right that changes
 *     anything ({@link #WRITE_RIGHTS}) or with a disposition that creates or overwrites, and every SET_INFO
 *     (position and mode aside), get STATUS_MEDIA_WRITE_PROTECTED ([MS-FSA] 2.1.5.1, 2.1.5.15);
 *     MAXIMUM_ALLOWED grants only the other rights; FileFsAttributeInformation reports FILE_READ_ONLY_VOLUME
 */
public record Share(String name, Vfs vfs, boolean encrypt, Set<String> users, boolean readOnly) {

    /**
     * The rights that change a file or a directory: FILE_WRITE_DATA (FILE_ADD_FILE), FILE_APPEND_DATA
     * (FILE_ADD_SUBDIRECTORY), FILE_WRITE_EA, FILE_DELETE_CHILD, FILE_WRITE_ATTRIBUTES, DELETE, WRITE_DAC and
     * WRITE_OWNER.
     */
    static final int WRITE_RIGHTS = AccessRights.FILE_WRITE_DATA | AccessRights.FILE_APPEND_DATA
            | AccessRights.FILE_WRITE_EA | AccessRights.FILE_DELETE_CHILD | AccessRights.FILE_WRITE_ATTRIBUTES
            | AccessRights.DELETE | AccessRights.WRITE_DAC | AccessRights.WRITE_OWNER;

    public Share {
        users = users == null ? Set.of() : users.stream().map(u -> u.toLowerCase(Locale.ROOT))
                .collect(Collectors.toUnmodifiableSet());
    }

    /** A share that may be written. */
    public Share(String name, Vfs vfs, boolean encrypt, Set<String> users) {
        this(name, vfs, encrypt, users, false);
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

    /** The rights a user may have on the share's files (TREE_CONNECT's MaximalAccess, the MxAc context). */
    int maximalAccess() {
        return readOnly ? AccessRights.FILE_ALL_ACCESS & ~WRITE_RIGHTS : AccessRights.FILE_ALL_ACCESS;
    }

    /**
     * [MS-FSA] 2.1.5.1 on a write-protected volume: STATUS_MEDIA_WRITE_PROTECTED for a CREATE whose DesiredAccess
     * (MAXIMUM_ALLOWED aside, generic rights mapped) holds a {@linkplain #WRITE_RIGHTS write right}, or whose
     * disposition supersedes, creates or overwrites; SUCCESS otherwise (and always on a share that may be written).
     */
    int refuseOpen(int desiredAccess, int disposition) {
        if (!readOnly) {
            return NtStatus.SUCCESS;
        }
        boolean writes = (AccessRights.granted(desiredAccess & ~AccessRights.MAXIMUM_ALLOWED) & WRITE_RIGHTS) != 0;
        boolean makes = disposition != FileCommands.OPEN && disposition != FileCommands.OPEN_IF;
        return writes || makes ? NtStatus.MEDIA_WRITE_PROTECTED : NtStatus.SUCCESS;
    }

    /**
     * The volume's GUID ([MS-FSCC] 2.5.6 FileFsObjectIdInformation, the BirthVolumeId of object ids): derived from
     * the share's name, so it stays the same across restarts.
     */
    java.util.UUID volumeId() {
        return java.util.UUID.nameUUIDFromBytes(name.getBytes(java.nio.charset.StandardCharsets.UTF_8));
    }
}
