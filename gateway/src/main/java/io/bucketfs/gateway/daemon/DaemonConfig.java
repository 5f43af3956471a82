package io.bucketfs.gateway.daemon;

import io.bucketfs.gateway.GatewayConfig;
import io.bucketfs.gateway.Sizes;
import java.io.IOException;
import java.io.Reader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import java.util.Properties;
import java.util.Set;

/**
 * The settings of the gateway run as a service ({@link GatewayDaemon}): a properties file given by
 * {@code --config FILE} (the appliance's {@code /etc/bucketfs/gateway.conf}), with the cache disk's mount point and
 * usable size from the environment ({@code BUCKETFS_CACHE_DIR}, {@code BUCKETFS_CACHE_SIZE}, written by the
 * first-boot cache-disk unit) taking precedence. Keys: {@code data-dir} (required), {@code cache-dir},
 * {@code cache-size}, {@code bind}, {@code nfs-port}, {@code nfs-grace}, {@code smb-port} (0: no SMB),
 * {@code admin-port}, and for the default mount's export {@code nfs-clients} (CIDRs, comma-separated; default:
 * loopback and the private networks) and {@code nfs-root-squash} ({@code true}, the default, or {@code false}),
 * and for SMB {@code smb-encrypt} ({@code true}: every session encrypts, as {@code serve --smb-encrypt}; default
 * {@code false}) and {@code smb-encrypt-shares} (share names, comma-separated, that require encryption, as
 * {@code serve --smb-encrypt-share}; a mount made with {@code --smb-encrypt} requires it anyway).
 * A bad value is a one-line {@link IllegalArgumentException} naming its key.
 */
record DaemonConfig(Path dataDir, Path cacheDir, long cacheSize, String bind, int nfsPort, int nfsGrace, int smbPort,
                    int adminPort, io.bucketfs.nfs.export.ExportRules exportRules, boolean smbEncrypt,
                    Set<String> smbEncryptShares) {

    static final Set<String> KEYS = Set.of("data-dir", "cache-dir", "cache-size", "bind", "nfs-port", "nfs-grace",
            "smb-port", "admin-port", "nfs-clients", "nfs-root-squash", "smb-encrypt", "smb-encrypt-shares");

    /** The SMB server's settings: the defaults, with every session encrypted if {@code smb-encrypt=true}. */
    io.bucketfs.smb.server.SmbSettings smbSettings() {
        return io.bucketfs.smb.server.SmbSettings.DEFAULTS.withEncryptData(smbEncrypt);
    }

    GatewayConfig gateway() {
        return new GatewayConfig(dataDir, cacheDir, cacheSize);
    }

    /** From the daemon's arguments ({@code --config FILE}) and the environment. */
    static DaemonConfig parse(String[] args, Map<String, String> env) throws IOException {
        Path file = null;
        for (int i = 0; i < args.length; i++) {
            if (args[i].equals("--config") && i + 1 < args.length) {
                file = Path.of(args[++i]);
            } else {
                throw new IllegalArgumentException("arguments: unknown '" + args[i] + "' (usage: --config FILE)");
            }
        }
        if (file == null) {
            throw new IllegalArgumentException("arguments: --config FILE is required");
        }
        Properties p = new Properties();
        try (Reader r = Files.newBufferedReader(file, StandardCharsets.UTF_8)) {
            p.load(r);
        }
        for (String k : p.stringPropertyNames()) {
            if (!KEYS.contains(k)) {
                throw new IllegalArgumentException(file + ": unknown key '" + k + "' (keys: " + KEYS + ")");
            }
        }
        String data = p.getProperty("data-dir");
        if (data == null || data.isBlank()) {
            throw new IllegalArgumentException(file + ": data-dir is required");
        }
        String cacheDir = env.getOrDefault("BUCKETFS_CACHE_DIR", p.getProperty("cache-dir"));
        String cacheSize = env.getOrDefault("BUCKETFS_CACHE_SIZE", p.getProperty("cache-size"));
        long size = GatewayConfig.DEFAULT_CACHE_SIZE;
        if (cacheSize != null && !cacheSize.isBlank()) {
            try {
                size = Sizes.parse(cacheSize.trim());
            } catch (IllegalArgumentException e) {
                throw new IllegalArgumentException("cache-size: " + e.getMessage());
            }
        }
        return new DaemonConfig(Path.of(data.trim()), cacheDir == null || cacheDir.isBlank() ? null
                : Path.of(cacheDir.trim()), size, p.getProperty("bind", "0.0.0.0").trim(),
                port(p, "nfs-port", 2049), number(p, "nfs-grace", 90, 0, 3600), port(p, "smb-port", 445),
                port(p, "admin-port", 7070), exportRules(p), bool(p, "smb-encrypt", false),
                names(p, "smb-encrypt-shares"));
    }

    private static boolean bool(Properties p, String key, boolean dflt) {
        String v = p.getProperty(key, Boolean.toString(dflt)).trim();
        if (!v.equals("true") && !v.equals("false")) {
            throw new IllegalArgumentException(key + ": '" + v + "' is not true or false");
        }
        return v.equals("true");
    }

    /** A comma-separated list of names (none: empty). */
    private static Set<String> names(Properties p, String key) {
        String v = p.getProperty(key, "").trim();
        return v.isEmpty() ? Set.of() : java.util.Collections.unmodifiableSet(
                new java.util.LinkedHashSet<>(java.util.List.of(v.split("\\s*,\\s*"))));
    }

    private static io.bucketfs.nfs.export.ExportRules exportRules(Properties p) {
        String squash = p.getProperty("nfs-root-squash", "true").trim();
        if (!squash.equals("true") && !squash.equals("false")) {
            throw new IllegalArgumentException("nfs-root-squash: '" + squash + "' is not true or false");
        }
        String clients = p.getProperty("nfs-clients", "").trim();
        try {
            return io.bucketfs.gateway.cli.ServeCommand.exportRules(clients.isEmpty() ? null
                    : java.util.List.of(clients.split("\\s*,\\s*")), squash.equals("true"));
        } catch (io.bucketfs.gateway.cli.CliException e) {
            throw new IllegalArgumentException(e.getMessage());
        }
    }

    private static int port(Properties p, String key, int dflt) {
        return number(p, key, dflt, 0, 65535);
    }

    private static int number(Properties p, String key, int dflt, int min, int max) {
        String v = p.getProperty(key);
        if (v == null || v.isBlank()) {
            return dflt;
        }
        try {
            int n = Integer.parseInt(v.trim());
            if (n < min || n > max) {
                throw new NumberFormatException();
            }
            return n;
        } catch (NumberFormatException e) {
            throw new IllegalArgumentException(key + ": '" + v.trim() + "' is not a number from " + min + " to "
                    + max);
        }
    }
}
