package io.bucketfs.vfs.lock;

import java.util.Collections;
import java.util.EnumSet;
import java.util.Objects;
import java.util.Set;

/**
 * One open's share reservation: what it accesses and what it denies to every other open (its owner's other
 * opens included). Immutable; {@link #id()} is the handle for {@link LockManager#downgrade} and
 * {@link LockManager#close}.
 *
 * @param id unique among the store's reservations
 * @param fileId the file
 * @param owner the open owner
 * @param access the access bits (unmodifiable)
 * @param deny the deny bits (unmodifiable)
 */
public record ShareReservation(long id, long fileId, LockOwner owner, Set<ShareAccess> access,
        Set<ShareAccess> deny) {

    public ShareReservation {
        Objects.requireNonNull(owner, "owner");
        access = freeze(access);
        deny = freeze(deny);
    }

    /** Whether an open with these bits may coexist with this one ([MS-FSA] 2.1.5.1.2.1, RFC 8881 9.7). */
    public boolean compatibleWith(Set<ShareAccess> otherAccess, Set<ShareAccess> otherDeny) {
        return Collections.disjoint(access, otherDeny) && Collections.disjoint(deny, otherAccess);
    }

    private static Set<ShareAccess> freeze(Set<ShareAccess> bits) {
        Objects.requireNonNull(bits, "bits");
        return bits.isEmpty() ? Set.of() : Collections.unmodifiableSet(EnumSet.copyOf(bits));
    }
}
