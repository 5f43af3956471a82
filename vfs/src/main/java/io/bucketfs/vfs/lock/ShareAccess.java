package io.bucketfs.vfs.lock;

/**
 * One bit of an open's access or deny set: NFSv4 OPEN4_SHARE_ACCESS/DENY_{READ,WRITE} and SMB
 * FILE_SHARE_{READ,WRITE,DELETE} with the matching DesiredAccess classes. NFS has no DELETE bit; its opens
 * never use it.
 */
public enum ShareAccess {
    READ,
    WRITE,
    DELETE
}
