package io.bucketfs.gateway.control;

import io.bucketfs.gateway.Gateway;
import io.bucketfs.gateway.GatewayConfig;
import io.bucketfs.gateway.Sizes;
import io.bucketfs.gateway.state.BucketRecord;
import io.bucketfs.gateway.state.ConnectionRecord;
import io.bucketfs.gateway.state.GatewayState;
import io.bucketfs.gateway.state.MountRecord;
import io.bucketfs.gateway.state.UserRecord;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * What {@code list} and {@code show} return. Secrets never appear: a connection says which kinds of credentials
 * it has ({@code "secret-key": "set"}), never their values; an access key id is shown masked.
 */
final class Views {

    /** What stands for a secret that is stored (sealed) in the vault. */
    static final String SET = "(sealed)";

    private Views() {
    }

    static Map<String, Object> connection(ConnectionRecord c, GatewayState s) {
        Map<String, Object> m = new LinkedHashMap<>();
        m.put("name", c.name());
        m.put("provider", c.provider());
        m.put("bucket", c.bucket());
        var spec = io.bucketfs.backends.ConnectionSpec.of(c.providerEnum(), c.bucket()).withRegion(c.region())
                .withEndpoint(c.endpoint()).withAzureAccount(c.accountName(), null, null);
        putIf(m, "region", spec.effectiveRegion());
        putIf(m, "endpoint", spec.effectiveEndpoint() == null ? null : spec.effectiveEndpoint().toString());
        putIf(m, "path-style", c.pathStyle());
        putIf(m, "access-key", c.accessKey() == null ? null : mask(c.accessKey()));
        putIf(m, "secret-key", c.secretKey() == null ? null : SET);
        putIf(m, "role-arn", c.roleArn());
        putIf(m, "external-id", c.externalId());
        putIf(m, "account-name", c.accountName());
        putIf(m, "account-key", c.accountKey() == null ? null : SET);
        putIf(m, "sas", c.sasToken() == null ? null : SET);
        m.put("access", c.readWrite() ? "read-write" : "read-only");
        m.put("mounts", s.mounts().stream().filter(x -> c.name().equals(x.connection())).map(MountRecord::name)
                .toList());
        m.put("created", c.created());
        return m;
    }

    static Map<String, Object> bucket(BucketRecord b, GatewayState s, Path dir) {
        Map<String, Object> m = new LinkedHashMap<>();
        m.put("name", b.name());
        if (b.connection() == null) {
            m.put("store", "local");
            m.put("path", dir.toString());
        } else {
            m.put("store", "connection " + b.connection());
            m.put("path", s.connection(b.connection()).map(c -> c.bucket()).orElse("?") + "/" + b.keyPrefix());
        }
        m.put("mounts", s.mounts().stream().filter(x -> b.name().equals(x.bucket())).map(MountRecord::name).toList());
        m.put("created", b.created());
        return m;
    }

    static Map<String, Object> builtinBucket(Path dir) {
        Map<String, Object> m = new LinkedHashMap<>();
        m.put("name", GatewayConfig.DEFAULT_BUCKET);
        m.put("store", "local");
        m.put("path", dir.toString());
        m.put("mounts", List.of(GatewayConfig.DEFAULT_BUCKET));
        m.put("built-in", true);
        return m;
    }

    static Map<String, Object> user(UserRecord u) {
        Map<String, Object> m = new LinkedHashMap<>();
        m.put("name", u.name());
        m.put("created", u.created());
        m.put("logon", "yes");
        return m;
    }

    static Map<String, Object> mount(MountRecord r, GatewayState s, Gateway g) {
        Map<String, Object> m = new LinkedHashMap<>();
        m.put("name", r.name());
        putIf(m, "connection", r.connection());
        putIf(m, "bucket", r.bucket() != null ? r.bucket()
                : s.connection(r.connection()).map(ConnectionRecord::bucket).orElse(null));
        m.put("prefix", r.prefix() == null ? "" : r.prefix());
        m.put("protocol", r.protocol());
        boolean readOnly = r.readOnly() || (r.connection() != null
                && !s.connection(r.connection()).map(ConnectionRecord::readWrite).orElse(false));
        m.put("read-only", readOnly);
        m.put("durability", r.durability());
        long effective = g.cacheSizeOf(r);
        m.put("cache-size", Sizes.format(effective));
        m.put("cache-size-bytes", effective);
        if (effective != r.cacheSize()) { // the pool shrank since the mount was made
            m.put("cache-size-configured", Sizes.format(r.cacheSize()));
            m.put("cache-size-configured-bytes", r.cacheSize());
        }
        m.put("nfs-clients", r.nfsClients().isEmpty() ? List.of("*") : r.nfsClients());
        m.put("root-squash", r.squashesRoot());
        if (r.protocolEnum().smb()) {
            m.put("smb-users", r.smbUsers().isEmpty() ? List.of("*") : r.smbUsers());
            m.put("smb-encrypt", r.encryptsSmb() || g.smbEncrypts(r.name()));
        }
        m.put("export-id", r.exportId());
        m.put("nfs-export", r.protocolEnum().nfs() ? (g.nfsExports(r.name()) ? "/" + r.name() : "not exported")
                : "-");
        m.put("smb-share", r.protocolEnum().smb() ? (g.smbServes(r.name()) ? r.name() : "not shared") : "-");
        m.put("created", r.created());
        return m;
    }

    static Map<String, Object> builtinMount(Gateway g) {
        Map<String, Object> m = new LinkedHashMap<>();
        m.put("name", GatewayConfig.DEFAULT_BUCKET);
        m.put("bucket", GatewayConfig.DEFAULT_BUCKET);
        m.put("prefix", "");
        m.put("protocol", "both");
        m.put("read-only", false);
        m.put("durability", "local");
        m.put("cache-size", Sizes.format(g.config().cacheSize()));
        m.put("cache-size-bytes", g.config().cacheSize());
        io.bucketfs.nfs.export.ExportRules rules = g.nfsExports().byId(Gateway.DEFAULT_EXPORT_ID).orElseThrow()
                .rules();
        m.put("nfs-clients", rules.clients().isEmpty() ? List.of("*")
                : rules.clients().stream().map(Object::toString).toList());
        m.put("root-squash", rules.rootSquash());
        m.put("export-id", Gateway.DEFAULT_EXPORT_ID);
        m.put("nfs-export", "/" + GatewayConfig.DEFAULT_BUCKET);
        m.put("smb-share", g.smbServes(GatewayConfig.DEFAULT_BUCKET) ? GatewayConfig.DEFAULT_BUCKET : "-");
        m.put("smb-encrypt", g.smbEncrypts(GatewayConfig.DEFAULT_BUCKET));
        m.put("built-in", true);
        return m;
    }

    private static void putIf(Map<String, Object> m, String k, Object v) {
        if (v != null) {
            m.put(k, v);
        }
    }

    /** An access key id shown as its first four characters. */
    static String mask(String key) {
        return key.length() <= 4 ? "****" : key.substring(0, 4) + "****";
    }
}
