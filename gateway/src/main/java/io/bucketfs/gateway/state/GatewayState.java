package io.bucketfs.gateway.state;

import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import java.util.function.Function;

/**
 * Everything the control plane configures, as one immutable value: what {@link StateStore} reads and writes whole.
 * Changes make a new value ({@code with…}/{@code without…}); {@link #validate()} checks every record and every
 * reference between them, naming the field ({@code mounts[1].connection}).
 *
 * @param version      the format of the file; {@value #VERSION} is the one this gateway writes and reads
 * @param nextExportId the NFS export id the next mount gets; only ever grows, so an id is never reused (a client
 *                     holding a handle of a deleted mount must get a stale handle, not a file of another mount)
 */
public record GatewayState(int version, int nextExportId, List<ConnectionRecord> connections,
                           List<BucketRecord> buckets, List<MountRecord> mounts, List<UserRecord> users) {

    /** The format version this gateway writes. */
    public static final int VERSION = 1;

    /** The first export id of a created mount (1 is the default mount's). */
    public static final int FIRST_EXPORT_ID = 2;
    /** The SMB user the gateway makes itself when none is configured (its password in a 0600 file). */
    public static final String BUILT_IN_SMB_USER = "bucketfs";

    public static final GatewayState EMPTY = new GatewayState(VERSION, FIRST_EXPORT_ID, List.of(), List.of(),
            List.of(), List.of());

    public GatewayState {
        connections = connections == null ? List.of() : List.copyOf(connections);
        buckets = buckets == null ? List.of() : List.copyOf(buckets);
        mounts = mounts == null ? List.of() : List.copyOf(mounts);
        users = users == null ? List.of() : List.copyOf(users);
    }

    /** Checks the version, every record, unique names and export ids, and that every mount's source exists. */
    public GatewayState validate() {
        if (version != VERSION) {
            throw FieldException.invalid("version", version > VERSION ? version + " is newer than this gateway "
                    + "understands (" + VERSION + "); upgrade bucketfs" : "unsupported " + version);
        }
        if (nextExportId < FIRST_EXPORT_ID) {
            throw FieldException.invalid("next-export-id", "must be " + FIRST_EXPORT_ID + " or more");
        }
        each("connections", connections, ConnectionRecord::validate, ConnectionRecord::name);
        each("buckets", buckets, BucketRecord::validate, BucketRecord::name);
        each("users", users, UserRecord::validate, u -> u.name().toLowerCase(java.util.Locale.ROOT));
        each("mounts", mounts, MountRecord::validate, MountRecord::name);
        for (int i = 0; i < buckets.size(); i++) {
            String c = buckets.get(i).connection();
            if (c != null && connection(c).filter(ConnectionRecord::readWrite).isEmpty()) {
                throw FieldException.invalid("buckets[" + i + "].connection", "no read-write connection '" + c + "'");
            }
        }
        Set<Integer> ids = new HashSet<>();
        for (int i = 0; i < mounts.size(); i++) {
            MountRecord m = mounts.get(i);
            String at = "mounts[" + i + "].";
            if (m.exportId() >= nextExportId) {
                throw FieldException.invalid(at + "export-id", m.exportId() + " is not below next-export-id "
                        + nextExportId);
            }
            if (!ids.add(m.exportId())) {
                throw FieldException.invalid(at + "export-id", m.exportId() + " is used twice");
            }
            if (m.connection() != null && connection(m.connection()).isEmpty()) {
                throw FieldException.invalid(at + "connection", "no connection '" + m.connection() + "'");
            }
            if (m.bucket() != null && bucket(m.bucket()).isEmpty()) {
                throw FieldException.invalid(at + "bucket", "no managed bucket '" + m.bucket() + "'");
            }
            for (String u : m.smbUsers()) {
                if (!isSmbUser(u)) {
                    throw FieldException.invalid(at + "smb-users", "no SMB user '" + u + "'");
                }
            }
        }
        return this;
    }

    private static <T> void each(String list, List<T> items, Function<T, T> check, Function<T, String> key) {
        Set<String> seen = new HashSet<>();
        for (int i = 0; i < items.size(); i++) {
            T t = items.get(i);
            if (t == null) {
                throw FieldException.invalid(list + "[" + i + "]", "null");
            }
            try {
                check.apply(t);
            } catch (FieldException e) {
                throw e.under(list + "[" + i + "]");
            }
            if (!seen.add(key.apply(t))) {
                throw FieldException.invalid(list + "[" + i + "].name", "'" + key.apply(t) + "' is used twice");
            }
        }
    }

    public Optional<ConnectionRecord> connection(String name) {
        return connections.stream().filter(c -> c.name().equals(name)).findFirst();
    }

    public Optional<BucketRecord> bucket(String name) {
        return buckets.stream().filter(b -> b.name().equals(name)).findFirst();
    }

    public Optional<MountRecord> mount(String name) {
        return mounts.stream().filter(m -> m.name().equals(name)).findFirst();
    }

    /** The user of {@code name}, compared case-insensitively (as SMB compares account names). */
    /** Whether {@code name} is an SMB user: a configured one, or the built-in {@value #BUILT_IN_SMB_USER}. */
    public boolean isSmbUser(String name) {
        return BUILT_IN_SMB_USER.equalsIgnoreCase(name) || user(name).isPresent();
    }

    /** The mounts whose share admits only listed users, {@code name} among them. */
    public List<MountRecord> mountsListing(String name) {
        return mounts.stream().filter(m -> m.smbUsers().stream().anyMatch(u -> u.equalsIgnoreCase(name))).toList();
    }

    public Optional<UserRecord> user(String name) {
        return users.stream().filter(u -> u.name().equalsIgnoreCase(name)).findFirst();
    }

    public GatewayState withConnection(ConnectionRecord c) {
        return new GatewayState(version, nextExportId, plus(connections, c), buckets, mounts, users);
    }

    public GatewayState withoutConnection(String name) {
        return new GatewayState(version, nextExportId, minus(connections, c -> c.name().equals(name)), buckets,
                mounts, users);
    }

    public GatewayState withBucket(BucketRecord b) {
        return new GatewayState(version, nextExportId, connections, plus(buckets, b), mounts, users);
    }

    public GatewayState withoutBucket(String name) {
        return new GatewayState(version, nextExportId, connections, minus(buckets, b -> b.name().equals(name)),
                mounts, users);
    }

    /** Adds {@code m} (whose export id must be {@link #nextExportId()}) and advances the id. */
    public GatewayState withMount(MountRecord m) {
        if (m.exportId() != nextExportId) {
            throw new IllegalArgumentException("export id " + m.exportId() + " is not the next one " + nextExportId);
        }
        return new GatewayState(version, nextExportId + 1, connections, buckets, plus(mounts, m), users);
    }

    public GatewayState withoutMount(String name) {
        return new GatewayState(version, nextExportId, connections, buckets, minus(mounts, m -> m.name().equals(name)),
                users);
    }

    /** Adds the user, or replaces the one of the same name (a password change). */
    public GatewayState withUser(UserRecord u) {
        return new GatewayState(version, nextExportId, connections, buckets, mounts,
                plus(minus(users, x -> x.name().equalsIgnoreCase(u.name())), u));
    }

    public GatewayState withoutUser(String name) {
        return new GatewayState(version, nextExportId, connections, buckets, mounts,
                minus(users, u -> u.name().equalsIgnoreCase(name)));
    }

    private static <T> List<T> plus(List<T> list, T item) {
        List<T> out = new ArrayList<>(list);
        out.add(item);
        return out;
    }

    private static <T> List<T> minus(List<T> list, java.util.function.Predicate<T> drop) {
        List<T> out = new ArrayList<>(list);
        out.removeIf(drop);
        return out;
    }
}
