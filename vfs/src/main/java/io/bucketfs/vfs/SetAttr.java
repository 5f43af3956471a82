package io.bucketfs.vfs;

import java.time.Instant;

/**
 * Attribute changes of a SETATTR / SET_INFO / create: each field {@code null} = leave as is.
 *
 * @param mode          new permission bits (07777)
 * @param uid           new owner (root only, or the owner to itself)
 * @param gid           new group (owner to a group it is in, or root)
 * @param size          truncate or extend to this size (regular files only)
 * @param atime         new access time; {@link #SERVER_TIME} means "now" (NFS SET_TO_SERVER_TIME)
 * @param mtime         new modification time; {@link #SERVER_TIME} means "now"
 * @param birthTime     new creation time (SMB)
 * @param dosAttributes new SMB attribute bits ({@link DosAttributes#KEPT} mask)
 * @param ctime         an explicit change time (SMB FileBasicInformation ChangeTime), set after the change itself
 *                      has moved ctime to now; owner only, like the other explicit times
 */
public record SetAttr(Integer mode, Integer uid, Integer gid, Long size, Instant atime, Instant mtime,
                      Instant birthTime, Integer dosAttributes, Instant ctime) {

    /** Stands for the server's clock in {@link #atime} and {@link #mtime}. */
    public static final Instant SERVER_TIME = Instant.MIN;

    public static final SetAttr NONE = new SetAttr(null, null, null, null, null, null, null, null, null);

    public static SetAttr mode(int mode) {
        return NONE.withMode(mode);
    }

    public SetAttr withMode(Integer m) {
        return new SetAttr(m, uid, gid, size, atime, mtime, birthTime, dosAttributes, ctime);
    }

    public SetAttr withOwner(Integer u, Integer g) {
        return new SetAttr(mode, u, g, size, atime, mtime, birthTime, dosAttributes, ctime);
    }

    public SetAttr withSize(Long s) {
        return new SetAttr(mode, uid, gid, s, atime, mtime, birthTime, dosAttributes, ctime);
    }

    public SetAttr withTimes(Instant a, Instant m) {
        return new SetAttr(mode, uid, gid, size, a, m, birthTime, dosAttributes, ctime);
    }

    public SetAttr withBirthTime(Instant b) {
        return new SetAttr(mode, uid, gid, size, atime, mtime, b, dosAttributes, ctime);
    }

    public SetAttr withDosAttributes(Integer d) {
        return new SetAttr(mode, uid, gid, size, atime, mtime, birthTime, d, ctime);
    }

    /** Only for SMB: see {@link #ctime}. */
    public SetAttr withCtime(Instant c) {
        return new SetAttr(mode, uid, gid, size, atime, mtime, birthTime, dosAttributes, c);
    }

    public boolean isEmpty() {
        return equals(NONE);
    }
}
