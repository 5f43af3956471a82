package io.bucketfs.nfs.v3;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;

import io.bucketfs.vfs.VfsStatus;
import java.util.EnumMap;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/** {@link Nfs3Status#of}: every VfsStatus has its nfsstat3, and none is NFS3_OK. */
@Timeout(value = 10, unit = TimeUnit.SECONDS)
class Nfs3StatusTest {

    @Test
    void everyVfsStatusMapsToTheRfcStatus() {
        Map<VfsStatus, Integer> want = new EnumMap<>(VfsStatus.class);
        want.put(VfsStatus.NOT_FOUND, 2);
        want.put(VfsStatus.EXISTS, 17);
        want.put(VfsStatus.NOT_DIRECTORY, 20);
        want.put(VfsStatus.IS_DIRECTORY, 21);
        want.put(VfsStatus.NOT_EMPTY, 66);
        want.put(VfsStatus.ACCESS_DENIED, 13);
        want.put(VfsStatus.NOT_OWNER, 1);
        want.put(VfsStatus.READ_ONLY, 30);
        want.put(VfsStatus.BAD_NAME, 22);
        want.put(VfsStatus.NAME_TOO_LONG, 63);
        want.put(VfsStatus.STALE, 70);
        want.put(VfsStatus.BAD_HANDLE, 10001);
        want.put(VfsStatus.INVALID, 22);
        want.put(VfsStatus.CONFLICT, 5);
        want.put(VfsStatus.LOCKED, 10008);
        want.put(VfsStatus.SHARE_VIOLATION, 10008);
        want.put(VfsStatus.DELETE_PENDING, 10008);
        want.put(VfsStatus.BAD_COOKIE, 10003);
        want.put(VfsStatus.NOT_SUPPORTED, 10004);
        want.put(VfsStatus.TOO_BIG, 27);
        want.put(VfsStatus.NO_SPACE, 28);
        want.put(VfsStatus.IO_ERROR, 5);
        want.put(VfsStatus.DELAY, 10008);
        want.put(VfsStatus.SYMLINK, 22);
        want.put(VfsStatus.SERVER_FAULT, 10006);
        assertEquals(VfsStatus.values().length, want.size(), "a VfsStatus without an expectation here");
        for (VfsStatus s : VfsStatus.values()) {
            assertNotEquals(Nfs3Status.NFS3_OK, Nfs3Status.of(s), s.name());
            assertEquals(want.get(s), Nfs3Status.of(s), s.name());
        }
    }
}
