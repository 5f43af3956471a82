package io.bucketfs.vfs;

import java.util.Arrays;

/**
 * Who makes a call, after the frontend's identity mapping and export rules (root squash already applied): a
 * POSIX uid, primary gid and supplementary gids. SMB users map to a uid/gid pair configured per user.
 */
public record Caller(int uid, int gid, int[] groups) {

    public static final Caller ROOT = new Caller(0, 0, new int[0]);

    public Caller {
        groups = groups == null ? new int[0] : groups.clone();
    }

    public boolean isRoot() {
        return uid == 0;
    }

    public boolean inGroup(int g) {
        if (g == gid) {
            return true;
        }
        for (int x : groups) {
            if (x == g) {
                return true;
            }
        }
        return false;
    }

    @Override
    public boolean equals(Object o) {
        return o instanceof Caller c && c.uid == uid && c.gid == gid && Arrays.equals(c.groups, groups);
    }

    @Override
    public int hashCode() {
        return 31 * (31 * uid + gid) + Arrays.hashCode(groups);
    }

    @Override
    public String toString() {
        return "Caller[uid=" + uid + ", gid=" + gid + ", groups=" + Arrays.toString(groups) + "]";
    }
}
