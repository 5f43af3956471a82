package io.bucketfs.gateway.state;

import com.fasterxml.jackson.annotation.JsonInclude;
import io.bucketfs.nfs.export.Cidr;
import java.util.List;
import java.util.Locale;

/**
 * A mount: a bucket (through a connection, or a managed bucket) and a key prefix, served over NFS (at
 * {@code /<name>}), SMB (share {@code <name>}) or both.
 *
 * @param exportId  part of every NFS file handle of the mount: assigned once, never reused (see
 *                  {@link GatewayState#nextExportId()})
 * @param cacheSize the bytes of cache the mount is meant to have
 * @param nfsClients the networks NFS clients may come from (CIDR); empty: everyone
 * @param smbUsers  the SMB users who may connect to the mount's share; empty: every user
 * @param rootSquash NFS requests of uid 0 run as nobody; null (records of before the field): true
 * @param smbEncrypt the mount's SMB share requires encryption (SMB 3 clients encrypt on it, clients that cannot
 *                   are refused at TREE_CONNECT); only for a mount served over SMB; null: false
 */
@JsonInclude(JsonInclude.Include.NON_NULL)
public record MountRecord(String name, int exportId, String connection, String bucket, String prefix,
                          String protocol, long cacheSize, boolean readOnly, String durability,
                          List<String> nfsClients, List<String> smbUsers, String created, Boolean rootSquash,
                          Boolean smbEncrypt) {

    /** The protocols a mount can be served over. */
    public enum Protocol {
        NFS, SMB, BOTH;

        public static Protocol parse(String field, String v) {
            Names.required(field, v);
            try {
                return valueOf(v.trim().toUpperCase(Locale.ROOT));
            } catch (IllegalArgumentException e) {
                throw FieldException.invalid(field, "unknown '" + v + "'; one of nfs, smb, both");
            }
        }

        public boolean nfs() {
            return this != SMB;
        }

        public boolean smb() {
            return this != NFS;
        }

        public String id() {
            return name().toLowerCase(Locale.ROOT);
        }
    }

    public MountRecord {
        nfsClients = nfsClients == null ? List.of() : List.copyOf(nfsClients);
        smbUsers = smbUsers == null ? List.of() : List.copyOf(smbUsers);
    }

    /** A mount whose SMB share (if any) does not require encryption. */
    public MountRecord(String name, int exportId, String connection, String bucket, String prefix, String protocol,
                       long cacheSize, boolean readOnly, String durability, List<String> nfsClients,
                       List<String> smbUsers, String created, Boolean rootSquash) {
        this(name, exportId, connection, bucket, prefix, protocol, cacheSize, readOnly, durability, nfsClients,
                smbUsers, created, rootSquash, null);
    }

    /** Checks the record on its own (references to connections and buckets: {@link GatewayState#validate}). */
    public MountRecord validate() {
        Names.name("name", name);
        if (Names.RESERVED.equals(name)) {
            throw new FieldException(FieldException.Kind.CONFLICT, "name", "'default' is the built-in mount");
        }
        if (exportId < 2) {
            throw FieldException.invalid("export-id", "must be 2 or more (1 is the default mount's)");
        }
        if ((connection == null) == (bucket == null)) {
            throw FieldException.invalid("connection", "give exactly one of connection and bucket");
        }
        prefix("prefix", prefix);
        Protocol.parse("protocol", protocol);
        if (cacheSize <= 0) {
            throw FieldException.invalid("cache-size", "must be more than 0");
        }
        durability("durability", durability);
        for (int i = 0; i < nfsClients.size(); i++) {
            cidr("nfs-clients[" + i + "]", nfsClients.get(i));
        }
        if (!smbUsers.isEmpty() && !Protocol.parse("protocol", protocol).smb()) {
            throw FieldException.invalid("smb-users", "the mount is not served over SMB (protocol " + protocol + ")");
        }
        for (int i = 0; i < smbUsers.size(); i++) {
            Names.required("smb-users[" + i + "]", smbUsers.get(i));
        }
        if (encryptsSmb() && !Protocol.parse("protocol", protocol).smb()) {
            throw FieldException.invalid("smb-encrypt", "the mount is not served over SMB (protocol " + protocol
                    + ")");
        }
        Names.required("created", created);
        return this;
    }

    /** Whether NFS requests of uid 0 run as nobody (the default, and what a record without the field means). */
    public boolean squashesRoot() {
        return !Boolean.FALSE.equals(rootSquash);
    }

    /** Whether the mount's SMB share requires encryption ({@code mount create --smb-encrypt}). */
    public boolean encryptsSmb() {
        return Boolean.TRUE.equals(smbEncrypt);
    }

    public Protocol protocolEnum() {
        return Protocol.parse("protocol", protocol);
    }

    /**
     * A key prefix: empty, or relative and ending with '/', without empty, '.' or '..' segments or control
     * characters (NUL among them).
     */
    public static String prefix(String field, String p) {
        if (p == null || p.isEmpty()) {
            return "";
        }
        if (p.startsWith("/") || !p.endsWith("/")) {
            throw FieldException.invalid(field, "'" + p + "' must not start with '/' and must end with '/' (e.g. "
                    + "data/2024/)");
        }
        for (String seg : p.substring(0, p.length() - 1).split("/", -1)) {
            if (seg.isEmpty() || seg.equals(".") || seg.equals("..")) {
                throw FieldException.invalid(field, "'" + p + "' has an empty, '.' or '..' segment");
            }
            if (seg.chars().anyMatch(Character::isISOControl)) {
                throw FieldException.invalid(field, "a segment of the prefix holds a control character");
            }
        }
        return p;
    }

    public static io.bucketfs.vfs.MountSettings.Durability durability(String field, String d) {
        if ("local".equals(d)) {
            return io.bucketfs.vfs.MountSettings.Durability.LOCAL;
        }
        if ("object-store".equals(d)) {
            return io.bucketfs.vfs.MountSettings.Durability.OBJECT_STORE;
        }
        throw FieldException.invalid(field, "unknown '" + d + "'; one of local, object-store");
    }

    public static Cidr cidr(String field, String c) {
        try {
            return Cidr.parse(c);
        } catch (IllegalArgumentException e) {
            throw FieldException.invalid(field, e.getMessage());
        }
    }
}
