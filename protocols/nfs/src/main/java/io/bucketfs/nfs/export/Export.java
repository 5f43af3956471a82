package io.bucketfs.nfs.export;

import io.bucketfs.vfs.Vfs;
import java.util.Objects;

/**
 * One mount exported over NFS at {@code /<name>} under the pseudo root. {@code id} is part of every file handle of
 * the export, so it must stay the same across restarts and must never be reused by another mount; it is never 0
 * (0 is the pseudo root's).
 */
public record Export(int id, String name, Vfs vfs, ExportRules rules) {

    public Export {
        if (id == 0) {
            throw new IllegalArgumentException("export id 0 is the pseudo root's");
        }
        Objects.requireNonNull(name, "name");
        if (name.isEmpty() || name.contains("/") || name.equals(".") || name.equals("..")) {
            throw new IllegalArgumentException("bad export name: " + name);
        }
        Objects.requireNonNull(vfs, "vfs");
        Objects.requireNonNull(rules, "rules");
    }

    /** The export's path as clients mount it. */
    public String path() {
        return "/" + name;
    }
}
