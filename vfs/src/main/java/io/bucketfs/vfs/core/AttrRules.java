package io.bucketfs.vfs.core;

import static io.bucketfs.vfs.core.Permissions.W;

import io.bucketfs.vfs.Caller;
import io.bucketfs.vfs.SetAttr;
import io.bucketfs.vfs.VfsException;
import io.bucketfs.vfs.VfsStatus;
import java.time.Instant;

/**
 * Who may change which attribute (POSIX rules: the owner changes mode and times, root the owner, the owner the group
 * to one it belongs to; anyone with write permission sets the times to "now" and truncates) and how a change is
 * applied to an inode.
 */
final class AttrRules {

    private AttrRules() {
    }

    static void checkSetattr(Caller caller, Inode i, SetAttr c) throws VfsException {
        boolean owner = caller.isRoot() || caller.uid() == i.uid;
        if ((c.mode() != null || c.birthTime() != null || c.dosAttributes() != null || c.ctime() != null)
                && !owner) {
            throw new VfsException(VfsStatus.NOT_OWNER, "only the owner changes the mode of '" + i.name + "'");
        }
        if (c.uid() != null && c.uid() != i.uid && !caller.isRoot()) {
            throw new VfsException(VfsStatus.NOT_OWNER, "only root changes the owner of '" + i.name + "'");
        }
        if (c.gid() != null && c.gid() != i.gid && !caller.isRoot() && !(owner && caller.inGroup(c.gid()))) {
            throw new VfsException(VfsStatus.NOT_OWNER, "cannot give '" + i.name + "' to group " + c.gid());
        }
        boolean explicitTime = (c.atime() != null && c.atime() != SetAttr.SERVER_TIME)
                || (c.mtime() != null && c.mtime() != SetAttr.SERVER_TIME);
        boolean nowTime = c.atime() == SetAttr.SERVER_TIME || c.mtime() == SetAttr.SERVER_TIME;
        if (explicitTime && !owner) {
            throw new VfsException(VfsStatus.NOT_OWNER, "only the owner sets the times of '" + i.name + "'");
        }
        if (nowTime && !owner && !Permissions.has(caller, i, W)) {
            throw new VfsException(VfsStatus.ACCESS_DENIED, "no write permission on '" + i.name + "'");
        }
        if (c.size() != null && !Permissions.has(caller, i, W)) {
            throw new VfsException(VfsStatus.ACCESS_DENIED, "no write permission on '" + i.name + "'");
        }
    }

    static void apply(Inode i, SetAttr c, Instant now) {
        if (c.mode() != null) {
            i.mode = c.mode() & 07777;
        }
        if (c.uid() != null) {
            i.uid = c.uid();
        }
        if (c.gid() != null) {
            i.gid = c.gid();
        }
        if (c.atime() != null) {
            i.atime = c.atime() == SetAttr.SERVER_TIME ? now : c.atime();
        }
        if (c.mtime() != null) {
            i.mtime = c.mtime() == SetAttr.SERVER_TIME ? now : c.mtime();
        }
        if (c.birthTime() != null) {
            i.btime = c.birthTime();
        }
        if (c.dosAttributes() != null) {
            i.dos = c.dosAttributes() & io.bucketfs.vfs.DosAttributes.KEPT;
        }
    }
}
