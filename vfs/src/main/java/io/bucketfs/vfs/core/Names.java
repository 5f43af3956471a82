package io.bucketfs.vfs.core;

import io.bucketfs.vfs.Vfs;
import io.bucketfs.vfs.VfsException;
import io.bucketfs.vfs.VfsStatus;
import java.nio.charset.StandardCharsets;

/** Validation of names (one path component) against the rules in {@link Vfs}. */
final class Names {

    private Names() {
    }

    static void check(String name) throws VfsException {
        if (name == null || name.isEmpty() || name.equals(".") || name.equals("..")) {
            throw new VfsException(VfsStatus.BAD_NAME, "invalid name '" + name + "'");
        }
        for (int i = 0; i < name.length(); i++) {
            char c = name.charAt(i);
            if (c == '/' || c == 0) {
                throw new VfsException(VfsStatus.BAD_NAME, "a name cannot hold '/' or NUL");
            }
            if (Character.isSurrogate(c)) {
                boolean paired = Character.isHighSurrogate(c) && i + 1 < name.length()
                        && Character.isLowSurrogate(name.charAt(i + 1));
                if (!paired) {
                    throw new VfsException(VfsStatus.BAD_NAME, "a name must be well-formed Unicode");
                }
                i++;
            }
        }
        if (name.getBytes(StandardCharsets.UTF_8).length > Vfs.MAX_NAME_BYTES) {
            throw new VfsException(VfsStatus.NAME_TOO_LONG, "a name is at most " + Vfs.MAX_NAME_BYTES + " bytes");
        }
    }
}
