package io.bucketfs.vfs.core;

import io.bucketfs.backends.GetOptions;
import io.bucketfs.backends.ListPage;
import io.bucketfs.backends.ListRequest;
import io.bucketfs.backends.ObjectContent;
import io.bucketfs.backends.ObjectInfo;
import io.bucketfs.backends.ObjectStore;
import io.bucketfs.backends.ObjectStoreException;
import io.bucketfs.backends.ObjectSummary;
import io.bucketfs.vfs.FileType;
import io.bucketfs.vfs.MountSettings;
import io.bucketfs.vfs.VfsException;
import io.bucketfs.vfs.VfsStatus;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.time.Instant;

/**
 * What the bucket says about one name: a HEAD for a file (or symlink), a one-key LIST for a directory, and the
 * translation of object metadata into inode fields (foreign objects get the mount's defaults).
 */
final class BucketProbe {

    /** The longest symlink target read from a symlink object. */
    static final int MAX_SYMLINK = 4096;

    private final ObjectStore store;
    private final MountSettings mount;

    BucketProbe(ObjectStore store, MountSettings mount) {
        this.store = store;
        this.mount = mount;
    }

    /** A file object's state, or a directory, or nothing. */
    record Found(FileType type, ObjectInfo info, boolean marker, Instant listedTime) {
    }

    /**
     * Looks for {@code key} as a file and {@code key + "/"} as a directory.
     *
     * @return what is there, or null
     */
    Found probe(String key) throws VfsException {
        try {
            ObjectInfo info = store.head(key);
            FileType t = ObjectAttributes.decode(info.userMetadata()).type();
            return new Found(t == FileType.SYMLINK ? FileType.SYMLINK : FileType.REGULAR, info, false, null);
        } catch (ObjectStoreException e) {
            if (e.kind() != ObjectStoreException.Kind.NOT_FOUND) {
                throw io("HEAD " + key, e);
            }
        }
        return probeDir(key + "/");
    }

    /** Whether anything lives under {@code dirKey} (which ends with '/'), and its marker's info if it has one. */
    Found probeDir(String dirKey) throws VfsException {
        try {
            ListPage p = store.list(new ListRequest(dirKey, "/", null, 2));
            if (p.objects().isEmpty() && p.commonPrefixes().isEmpty()) {
                return null;
            }
            ObjectSummary first = p.objects().isEmpty() ? null : p.objects().get(0);
            if (first != null && first.key().equals(dirKey)) {
                ObjectInfo marker = store.head(dirKey);
                return new Found(FileType.DIRECTORY, marker, true, null);
            }
            return new Found(FileType.DIRECTORY, null, false, null);
        } catch (ObjectStoreException e) {
            if (e.kind() == ObjectStoreException.Kind.NOT_FOUND) {
                return null;
            }
            throw io("LIST " + dirKey, e);
        }
    }

    /** Fills a new or revalidated inode from an object's info (a marker's for a directory, none for implicit). */
    void fill(Inode i, ObjectInfo info, Instant fallbackTime) {
        ObjectAttributes.Decoded d = info == null ? null : ObjectAttributes.decode(info.userMetadata());
        Instant lm = info != null && info.lastModified() != null ? info.lastModified() : fallbackTime;
        i.mode = d != null && d.mode() != null ? d.mode()
                : (i.isDir() ? mount.defaultDirMode() : mount.defaultFileMode());
        i.uid = d != null && d.uid() != null ? d.uid() : mount.defaultUid();
        i.gid = d != null && d.gid() != null ? d.gid() : mount.defaultGid();
        i.mtime = d != null && d.mtime() != null ? d.mtime() : lm;
        i.atime = d != null && d.atime() != null ? d.atime() : i.mtime;
        i.ctime = d != null && d.ctime() != null ? d.ctime() : i.mtime;
        i.btime = d != null && d.btime() != null ? d.btime() : i.mtime;
        i.dos = d != null && d.dos() != null ? d.dos() : 0;
        if (!i.isDir() && info != null) {
            i.size = info.size();
            i.etag = info.etag();
        }
    }

    /** Fills a file inode from a listing entry (no metadata there: defaults until a HEAD tells more). */
    void fill(Inode i, ObjectSummary s) {
        Instant lm = s.lastModified() != null ? s.lastModified() : Instant.EPOCH;
        i.mode = mount.defaultFileMode();
        i.uid = mount.defaultUid();
        i.gid = mount.defaultGid();
        i.mtime = i.atime = i.ctime = i.btime = lm;
        i.size = s.size();
        i.etag = s.etag();
    }

    /** The target stored in a symlink object. */
    String readSymlink(String key, String etag) throws VfsException {
        try (ObjectContent c = store.get(key, GetOptions.range(0, MAX_SYMLINK).withIfMatch(etag))) {
            return new String(c.readAllBytes(), StandardCharsets.UTF_8);
        } catch (ObjectStoreException e) {
            if (e.kind() == ObjectStoreException.Kind.NOT_FOUND) {
                throw new VfsException(VfsStatus.STALE, "symlink " + key + " is gone");
            }
            throw io("GET " + key, e);
        } catch (IOException e) {
            throw new VfsException(VfsStatus.IO_ERROR, "GET " + key + ": " + e.getMessage(), e);
        }
    }

    /** A backend failure as the VFS reports it: EIO after the store's bounded retries. */
    static VfsException io(String what, ObjectStoreException e) {
        VfsStatus s = switch (e.kind()) {
            case ACCESS_DENIED -> VfsStatus.ACCESS_DENIED;
            case NOT_FOUND -> VfsStatus.NOT_FOUND;
            default -> VfsStatus.IO_ERROR;
        };
        return new VfsException(s, what + ": " + e.getMessage(), e);
    }
}
