package io.bucketfs.nfs.v4;

import static org.junit.jupiter.api.Assertions.assertEquals;

import io.bucketfs.vfs.VfsStatus;
import io.bucketfs.vfs.lock.LockStatus;
import java.util.EnumMap;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

/** VfsStatus → nfsstat4, every value, and the fault sorting of the dispatcher. */
@Timeout(value = 10, unit = TimeUnit.SECONDS)
class Nfs4ErrorsTest {

    private static final Map<VfsStatus, Integer> EXPECTED = new EnumMap<>(VfsStatus.class);

    static {
        EXPECTED.put(VfsStatus.NOT_FOUND, NfsStat4.NFS4ERR_NOENT);
        EXPECTED.put(VfsStatus.EXISTS, NfsStat4.NFS4ERR_EXIST);
        EXPECTED.put(VfsStatus.NOT_DIRECTORY, NfsStat4.NFS4ERR_NOTDIR);
        EXPECTED.put(VfsStatus.IS_DIRECTORY, NfsStat4.NFS4ERR_ISDIR);
        EXPECTED.put(VfsStatus.NOT_EMPTY, NfsStat4.NFS4ERR_NOTEMPTY);
        EXPECTED.put(VfsStatus.ACCESS_DENIED, NfsStat4.NFS4ERR_ACCESS);
        EXPECTED.put(VfsStatus.NOT_OWNER, NfsStat4.NFS4ERR_PERM);
        EXPECTED.put(VfsStatus.READ_ONLY, NfsStat4.NFS4ERR_ROFS);
        EXPECTED.put(VfsStatus.BAD_NAME, NfsStat4.NFS4ERR_BADNAME);
        EXPECTED.put(VfsStatus.NAME_TOO_LONG, NfsStat4.NFS4ERR_NAMETOOLONG);
        EXPECTED.put(VfsStatus.STALE, NfsStat4.NFS4ERR_STALE);
        EXPECTED.put(VfsStatus.BAD_HANDLE, NfsStat4.NFS4ERR_BADHANDLE);
        EXPECTED.put(VfsStatus.INVALID, NfsStat4.NFS4ERR_INVAL);
        EXPECTED.put(VfsStatus.CONFLICT, NfsStat4.NFS4ERR_IO);
        EXPECTED.put(VfsStatus.LOCKED, NfsStat4.NFS4ERR_LOCKED);
        EXPECTED.put(VfsStatus.SHARE_VIOLATION, NfsStat4.NFS4ERR_SHARE_DENIED);
        EXPECTED.put(VfsStatus.DELETE_PENDING, NfsStat4.NFS4ERR_FILE_OPEN);
        EXPECTED.put(VfsStatus.BAD_COOKIE, NfsStat4.NFS4ERR_BAD_COOKIE);
        EXPECTED.put(VfsStatus.NOT_SUPPORTED, NfsStat4.NFS4ERR_NOTSUPP);
        EXPECTED.put(VfsStatus.TOO_BIG, NfsStat4.NFS4ERR_FBIG);
        EXPECTED.put(VfsStatus.NO_SPACE, NfsStat4.NFS4ERR_NOSPC);
        EXPECTED.put(VfsStatus.IO_ERROR, NfsStat4.NFS4ERR_IO);
        EXPECTED.put(VfsStatus.DELAY, NfsStat4.NFS4ERR_DELAY);
        EXPECTED.put(VfsStatus.SYMLINK, NfsStat4.NFS4ERR_SYMLINK);
        EXPECTED.put(VfsStatus.SERVER_FAULT, NfsStat4.NFS4ERR_SERVERFAULT);
    }

    @ParameterizedTest
    @EnumSource(VfsStatus.class)
    void everyVfsStatusHasItsNfsStatus(VfsStatus s) {
        assertEquals(EXPECTED.get(s), Nfs4Errors.toNfs(s), s.name());
    }

    @ParameterizedTest
    @EnumSource(LockStatus.class)
    void everyLockStatusMaps(LockStatus s) {
        int nfs = Nfs4Errors.toNfs(s);
        assertEquals(s == LockStatus.GRANTED || s == LockStatus.OK, nfs == NfsStat4.NFS4_OK, s.name());
    }

    @Test
    void aDeletePendingOpenIsRefusedAsTheVfsStatusIs() {
        assertEquals(Nfs4Errors.toNfs(VfsStatus.DELETE_PENDING), Nfs4Errors.toNfs(LockStatus.DELETE_PENDING));
    }

    @Test
    void failuresAreSortedByFault() {
        assertEquals(Nfs4Errors.Fault.SERVER, Nfs4Errors.fault(NfsStat4.NFS4ERR_SERVERFAULT));
        assertEquals(Nfs4Errors.Fault.EXPIRED, Nfs4Errors.fault(NfsStat4.NFS4ERR_STALE_CLIENTID));
        assertEquals(Nfs4Errors.Fault.EXPIRED, Nfs4Errors.fault(NfsStat4.NFS4ERR_BADSESSION));
        assertEquals(Nfs4Errors.Fault.CLIENT, Nfs4Errors.fault(NfsStat4.NFS4ERR_BADXDR));
        assertEquals(Nfs4Errors.Fault.CLIENT, Nfs4Errors.fault(NfsStat4.NFS4ERR_SEQ_MISORDERED));
        assertEquals(Nfs4Errors.Fault.OUTCOME, Nfs4Errors.fault(NfsStat4.NFS4ERR_NOENT));
        assertEquals("NFS4ERR_BADXDR", NfsStat4.name(NfsStat4.NFS4ERR_BADXDR));
    }
}
