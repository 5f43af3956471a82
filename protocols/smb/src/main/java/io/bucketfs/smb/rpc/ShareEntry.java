package io.bucketfs.smb.rpc;

/**
 * A share as srvsvc reports it ([MS-SRVS] 2.2.4.22 SHARE_INFO_2_I and kin).
 *
 * @param name the share name (shi*_netname)
 * @param type STYPE_* bits ({@link #STYPE_DISKTREE}, {@link #STYPE_IPC} | {@link #STYPE_SPECIAL})
 * @param remark the comment shown beside the name
 * @param path the local path (shi2_path); null for IPC$
 */
public record ShareEntry(String name, int type, String remark, String path) {
    public static final int STYPE_DISKTREE = 0x00000000;
    public static final int STYPE_IPC = 0x00000003;
    public static final int STYPE_SPECIAL = 0x80000000;
}
