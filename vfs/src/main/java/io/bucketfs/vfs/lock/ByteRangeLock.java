package io.bucketfs.vfs.lock;

import java.util.Objects;

/**
 * One held byte-range lock: who holds it, how it behaves ({@link LockFlavor}), shared or exclusive, and its
 * range. Immutable; two SMB locks with equal fields are distinct holdings that happen to look alike
 * (a shared lock may be taken twice by the same open).
 *
 * @param fileId the file
 * @param owner the holder
 * @param flavor POSIX (merging, owner-based) or SMB (exact records)
 * @param type shared ({@link LockType#READ}) or exclusive ({@link LockType#WRITE})
 * @param range the bytes covered
 */
public record ByteRangeLock(long fileId, LockOwner owner, LockFlavor flavor, LockType type, ByteRange range) {

    public ByteRangeLock {
        Objects.requireNonNull(owner, "owner");
        Objects.requireNonNull(flavor, "flavor");
        Objects.requireNonNull(type, "type");
        Objects.requireNonNull(range, "range");
    }

    ByteRangeLock withRange(ByteRange r) {
        return new ByteRangeLock(fileId, owner, flavor, type, r);
    }
}
