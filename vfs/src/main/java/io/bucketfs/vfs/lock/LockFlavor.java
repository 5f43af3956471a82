package io.bucketfs.vfs.lock;

/**
 * How a byte-range lock behaves towards locks of its own owner. Locks of different owners conflict the
 * same way whatever their flavours: when the ranges overlap and either lock is {@link LockType#WRITE}.
 */
public enum LockFlavor {
    /**
     * Advisory, owner-based record locks (NFSv4 LOCK/LOCKU/LOCKT, NLM): an owner's new lock merges with,
     * splits or replaces that owner's overlapping locks; an owner never conflicts with itself; unlocking a
     * sub-range splits.
     */
    POSIX,
    /**
     * Windows byte-range locks ([MS-FSA] 2.1.5.8/2.1.5.9, [MS-SMB2] 3.3.5.14): every lock is its own record,
     * never merged; unlock must name a held lock exactly; an exclusive request conflicts with any overlapping
     * lock, the owner's own included; mandatory for I/O through {@link LockManager#checkIo}.
     */
    SMB
}
