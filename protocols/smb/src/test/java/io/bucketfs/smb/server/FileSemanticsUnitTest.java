package io.bucketfs.smb.server;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.bucketfs.smb.msfscc.ShortNames;
import io.bucketfs.smb.mssmb2.NtStatus;
import io.bucketfs.smb.mssmb2.SmbProtocolException;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/** The pure rules behind CREATE and QUERY_INFO: granted access, path components, 8.3 names. */
@Timeout(10)
class FileSemanticsUnitTest {
    @Test
    void genericRightsAndMaximumAllowedMapToFileRights() {
        assertEquals(AccessRights.FILE_ALL_ACCESS, AccessRights.granted(AccessRights.MAXIMUM_ALLOWED));
        assertEquals(AccessRights.FILE_ALL_ACCESS, AccessRights.granted(AccessRights.GENERIC_ALL));
        assertEquals(0x120089, AccessRights.granted(AccessRights.GENERIC_READ));
        assertEquals(0x120116, AccessRights.granted(AccessRights.GENERIC_WRITE));
        assertEquals(0x1200A0, AccessRights.granted(AccessRights.GENERIC_EXECUTE));
        assertEquals(0x80 | 0x100000, AccessRights.granted(0x80 | 0x100000), "file rights stay as asked");
    }

    @Test
    void pathsSplitOnBothSeparatorsAndResolveDots() throws Exception {
        assertArrayEquals(new String[] {"a", "b", "c"}, FileCommands.components("a\\b/c"));
        assertArrayEquals(new String[] {"b"}, FileCommands.components("a\\..\\.\\b"));
        assertArrayEquals(new String[0], FileCommands.components(""));
        SmbProtocolException above = assertThrows(SmbProtocolException.class,
                () -> FileCommands.components("..\\..\\x"));
        assertEquals(NtStatus.OBJECT_PATH_SYNTAX_BAD, above.status());
        assertEquals(NtStatus.OBJECT_NAME_INVALID, assertThrows(SmbProtocolException.class,
                () -> FileCommands.components("a\\\\b")).status());
        assertEquals(NtStatus.OBJECT_NAME_INVALID, assertThrows(SmbProtocolException.class,
                () -> FileCommands.components("a:stream")).status());
    }

    @Test
    void shortNamesAreTheNameItselfOrAStableDerivedOne() {
        assertTrue(ShortNames.isShort("README.TXT"));
        assertEquals("BUFSIZE.TXT", ShortNames.of("bufsize.txt"));
        assertFalse(ShortNames.isShort("a long name.html"));
        String s = ShortNames.of("a long name.html");
        assertTrue(s.matches("ALONG~[0-9A-Z]{2}\\.HTM"), s);
        assertEquals(s, ShortNames.of("a long name.html"));
        assertTrue(ShortNames.of(".bashrc").matches("BASHR~[0-9A-Z]{2}"), ShortNames.of(".bashrc"));
        assertTrue(ShortNames.of("äöü.txt").matches("_~[0-9A-Z]{2}\\.TXT"), ShortNames.of("äöü.txt"));
    }

    @Test
    void newFilesGetArchiveDirectoriesDoNot() {
        assertEquals(0x20, FileCommands.newAttributes(false, 0x80));
        assertEquals(0x21, FileCommands.newAttributes(false, 0x1));
        assertEquals(0x2, FileCommands.newAttributes(true, 0x10 | 0x2 | 0x20));
    }
}
