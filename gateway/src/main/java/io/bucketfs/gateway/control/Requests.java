package io.bucketfs.gateway.control;

import java.util.List;

/** The bodies of the admin API's calls (kebab-case JSON; unknown fields are refused by name). */
public final class Requests {

    private Requests() {
    }

    /** {@code POST /v1/connections}. Secrets are here in plaintext only on their way into the vault. */
    public record Connection(String name, String provider, String bucket, String region, String endpoint,
                             Boolean pathStyle, String accessKey, String secretKey, String roleArn,
                             String externalId, String accountName, String accountKey, String sas,
                             Boolean readWrite) {
        @Override
        public String toString() {
            return "Connection[" + name + ", " + provider + ", " + bucket + "]";
        }
    }

    /** {@code POST /v1/connections/NAME/test}. */
    public record Test(Boolean readWrite) {
    }

    /** {@code POST /v1/buckets}. */
    /** {@code POST /v1/buckets}: {@code connection} (optional) hosts it under {@code <name>/} of its bucket. */
    public record Bucket(String name, String connection) {
        public Bucket(String name) {
            this(name, null);
        }
    }

    /** {@code POST /v1/users} and {@code PUT /v1/users/NAME/password}: the NT hash (32 hex digits), never a password. */
    public record User(String name, String ntHash) {
        @Override
        public String toString() {
            return "User[" + name + "]";
        }
    }

    /**
     * {@code POST /v1/mounts}. {@code cacheSize} as users write it ({@code 500GB}, {@code 2TiB}). {@code smbEncrypt}:
     * the SMB share requires encryption (only for {@code protocol} smb or both). {@code region},
     * if given, must be the connection's (a check, as in {@code mount create --connection c --region r}); managed
     * buckets are local and have none to check.
     */
    public record Mount(String name, String connection, String bucket, String prefix, String protocol,
                        String cacheSize, Boolean readOnly, String durability, List<String> nfsClients,
                        String region, List<String> smbUsers, Boolean rootSquash, Boolean smbEncrypt) {
        /** A mount whose SMB share (if any) does not require encryption. */
        public Mount(String name, String connection, String bucket, String prefix, String protocol,
                     String cacheSize, Boolean readOnly, String durability, List<String> nfsClients,
                     String region, List<String> smbUsers, Boolean rootSquash) {
            this(name, connection, bucket, prefix, protocol, cacheSize, readOnly, durability, nfsClients, region,
                    smbUsers, rootSquash, null);
        }
    }

    /** {@code POST /v1/sync}: the write-back barrier of {@code mount} (optional: of all). */
    public record Sync(String mount, Integer timeoutSeconds) {
    }

    /** {@code POST /v1/preload}: warm the cache with these paths of the mount (files or directories; none: all). */
    public record Preload(String mount, List<String> paths) {
    }
}
