package io.bucketfs.smb.server;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.bucketfs.smb.mssmb2.NtStatus;
import io.bucketfs.vfs.VfsStatus;
import io.bucketfs.vfs.lock.LockStatus;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

/** The VfsStatus → NTSTATUS mapping over every value, and the credit window. */
@Timeout(10)
class SmbStatusTest {
    @ParameterizedTest
    @EnumSource(VfsStatus.class)
    void everyVfsStatusIsAFailure(VfsStatus s) {
        int nt = SmbStatus.of(s);
        // STOPPED_ON_SYMLINK is a warning by design ([MS-SMB2] 2.2.2.2.1 symlink error response); the rest errors
        assertTrue(s == VfsStatus.SYMLINK ? (nt >>> 30) == 2 : NtStatus.isError(nt), s + " → " + NtStatus.hex(nt));
    }

    @Test
    void selectedMappings() {
        assertEquals(NtStatus.OBJECT_NAME_NOT_FOUND, SmbStatus.of(VfsStatus.NOT_FOUND));
        assertEquals(NtStatus.OBJECT_NAME_COLLISION, SmbStatus.of(VfsStatus.EXISTS));
        assertEquals(NtStatus.SHARING_VIOLATION, SmbStatus.of(VfsStatus.SHARE_VIOLATION));
        assertEquals(NtStatus.DIRECTORY_NOT_EMPTY, SmbStatus.of(VfsStatus.NOT_EMPTY));
        assertEquals(NtStatus.MEDIA_WRITE_PROTECTED, SmbStatus.of(VfsStatus.READ_ONLY), "a read-only mount");
        assertEquals(NtStatus.DELETE_PENDING, SmbStatus.of(VfsStatus.DELETE_PENDING));
    }

    @Test
    void lockStatusMappings() {
        assertEquals(NtStatus.SUCCESS, SmbStatus.of(LockStatus.GRANTED));
        assertEquals(NtStatus.SUCCESS, SmbStatus.of(LockStatus.OK));
        assertEquals(NtStatus.LOCK_NOT_GRANTED, SmbStatus.of(LockStatus.DENIED));
        assertEquals(NtStatus.FILE_LOCK_CONFLICT, SmbStatus.of(LockStatus.IO_CONFLICT));
        assertEquals(NtStatus.RANGE_NOT_LOCKED, SmbStatus.of(LockStatus.RANGE_NOT_LOCKED));
        assertEquals(NtStatus.INVALID_LOCK_RANGE, SmbStatus.of(LockStatus.INVALID_RANGE));
        assertEquals(NtStatus.DELETE_PENDING, SmbStatus.of(LockStatus.DELETE_PENDING));
        for (LockStatus s : LockStatus.values()) {
            assertEquals(s == LockStatus.GRANTED || s == LockStatus.OK, !NtStatus.isError(SmbStatus.of(s)), s.name());
        }
    }

    @Test
    void creditWindowNeverStarvesAndRejectsReuse() {
        CreditWindow w = new CreditWindow(8);
        assertTrue(w.consume(0, 1));
        assertEquals(8, w.grant(100));
        assertFalse(w.consume(0, 1));
        assertTrue(w.consume(3, 2));
        assertTrue(w.consume(1, 2));
        assertFalse(w.consume(8, 2));
        assertTrue(w.consume(5, 4));
        assertEquals(0, w.outstanding());
        assertEquals(1, w.grant(0));
        assertTrue(w.consume(9, 1));
        assertFalse(w.consume(10, 1));
    }
}
