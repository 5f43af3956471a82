package io.bucketfs.smb.rpc;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;

import io.bucketfs.smb.rpc.RpcPdus.Pdu;
import java.time.Clock;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/** srvsvc operations, their NDR decoded independently of the encoder (field layouts from [MS-SRVS] 2.2.4). */
@Timeout(30)
class SrvsvcTest {
    private final List<ShareEntry> shares = List.of(
            new ShareEntry("default", ShareEntry.STYPE_DISKTREE, "", "C:\\default"),
            new ShareEntry("Photos", ShareEntry.STYPE_DISKTREE, "holiday pictures", "C:\\Photos"),
            new ShareEntry("IPC$", ShareEntry.STYPE_IPC | ShareEntry.STYPE_SPECIAL, "Remote IPC", null));
    private final Srvsvc srvsvc = new Srvsvc("TESTSRV", "test server", () -> shares,
            Clock.fixed(Instant.parse("2026-11-22T03:04:05.67Z"), ZoneOffset.UTC));

    /** Field kinds of SHARE_INFO_x: S a string pointer, D a DWORD, B a sized byte-array pointer. */
    static String shape(int level) {
        return switch (level) {
            case 0 -> "S";
            case 1 -> "SDS";
            case 2 -> "SDSDDDSS";
            case 501 -> "SDSD";
            case 502 -> "SDSDDDSSDB";
            case 503 -> "SDSDDDSSSDB";
            case 1005 -> "D";
            default -> throw new IllegalArgumentException();
        };
    }

    /** Reads {@code count} structures of {@code shape} and their pointees; strings null for null pointers. */
    static List<List<Object>> structs(NdrReader r, String shape, int count) throws NdrException {
        List<List<Object>> rows = new ArrayList<>();
        List<int[]> deferred = new ArrayList<>();
        for (int i = 0; i < count; i++) {
            List<Object> row = new ArrayList<>();
            for (int f = 0; f < shape.length(); f++) {
                int v = r.u32();
                row.add(shape.charAt(f) == 'D' ? (Object) v : null);
                if (shape.charAt(f) != 'D' && v != 0) {
                    deferred.add(new int[] {i, f});
                }
            }
            rows.add(row);
        }
        for (int[] d : deferred) {
            if (shape.charAt(d[1]) == 'S') {
                rows.get(d[0]).set(d[1], r.string());
            } else {
                rows.get(d[0]).set(d[1], r.bytes(r.u32()));
            }
        }
        return rows;
    }

    /** The share names of a NetrShareEnum response at {@code level} (the entries, not the trailer). */
    static List<String> enumNames(NdrReader r, int level) throws NdrException {
        List<String> names = new ArrayList<>();
        for (List<Object> row : enumEntries(r, level)) {
            names.add((String) row.get(0));
        }
        return names;
    }

    static List<List<Object>> enumEntries(NdrReader r, int level) throws NdrException {
        assertEquals(level, r.u32());
        assertEquals(level, r.u32());
        assertNotEquals(0, r.pointer());
        int read = r.u32();
        if (r.pointer() == 0) {
            return List.of();
        }
        assertEquals(read, r.u32(), "conformance = EntriesRead");
        return structs(r, shape(level), read);
    }

    static int totalStubLength(List<Pdu> frags) throws NdrException {
        int n = 0;
        for (Pdu p : frags) {
            n += p.stub().length;
        }
        return n;
    }

    private NdrReader call(int opnum, NdrWriter in) throws Exception {
        return new NdrReader(srvsvc.invoke(opnum, new NdrReader(in.toByteArray())));
    }

    private static NdrWriter enumRequest(int level, int preferred, Integer resume) {
        NdrWriter w = new NdrWriter();
        w.pointer(true).string("\\\\127.0.0.1").u32(level).u32(level).pointer(true).u32(0).pointer(false);
        w.u32(preferred).pointer(resume != null);
        if (resume != null) {
            w.u32(resume);
        }
        return w;
    }

    @Test
    void enumAtEveryLevel() throws Exception {
        for (int level : new int[] {0, 1, 2, 501, 502, 503}) {
            NdrReader r = call(Srvsvc.OP_SHARE_ENUM, enumRequest(level, -1, 0));
            List<List<Object>> rows = enumEntries(r, level);
            assertEquals(3, rows.size());
            assertEquals(List.of("default", "Photos", "IPC$"), rows.stream().map(x -> x.get(0)).toList());
            if (level != 0) {
                assertEquals(0, rows.get(1).get(1));
                assertEquals("holiday pictures", rows.get(1).get(2));
                assertEquals(0x80000003, rows.get(2).get(1));
                assertEquals("Remote IPC", rows.get(2).get(2));
            }
            if (level == 2 || level == 502) {
                assertEquals(-1, rows.get(0).get(4), "max uses");
                assertEquals("C:\\Photos", rows.get(1).get(6));
                assertNull(rows.get(2).get(6), "IPC$ has no path");
                assertNull(rows.get(0).get(7), "no password");
            }
            assertEquals(3, r.u32(), "TotalEntries");
            assertNotEquals(0, r.pointer());
            assertEquals(0, r.u32(), "resume handle: done");
            assertEquals(Srvsvc.ERROR_SUCCESS, r.u32());
            assertEquals(0, r.remaining());
        }
    }

    @Test
    void enumPagesByPreferredMaximumWithTheResumeHandle() throws Exception {
        NdrReader r = call(Srvsvc.OP_SHARE_ENUM, enumRequest(1, 40, 0));
        assertEquals(List.of("default"), enumNames(r, 1));
        assertEquals(3, r.u32());
        assertNotEquals(0, r.pointer());
        int resume = r.u32();
        assertEquals(1, resume);
        assertEquals(Srvsvc.ERROR_MORE_DATA, r.u32());
        r = call(Srvsvc.OP_SHARE_ENUM, enumRequest(1, -1, resume));
        assertEquals(List.of("Photos", "IPC$"), enumNames(r, 1));
        r.u32();
        r.pointer();
        assertEquals(0, r.u32());
        assertEquals(Srvsvc.ERROR_SUCCESS, r.u32());
    }

    @Test
    void enumWithoutResumeHandleAnswersANullOne() throws Exception {
        NdrReader r = call(Srvsvc.OP_SHARE_ENUM, enumRequest(1, -1, null));
        enumNames(r, 1);
        assertEquals(3, r.u32());
        assertEquals(0, r.pointer());
        assertEquals(Srvsvc.ERROR_SUCCESS, r.u32());
    }

    @Test
    void enumSkipsAnArrayTheClientSent() throws Exception {
        NdrWriter w = new NdrWriter();
        w.pointer(false).u32(502).u32(502).pointer(true).u32(1).pointer(true);
        w.u32(1); // one SHARE_INFO_502
        w.pointer(true).u32(0).pointer(true).u32(0).u32(0).u32(0).pointer(true).pointer(false).u32(3).pointer(true);
        w.string("x").string("remark").string("C:\\x").u32(3).bytes(new byte[] {1, 2, 3});
        w.u32(40).pointer(false);
        NdrReader r = call(Srvsvc.OP_SHARE_ENUM, w);
        assertEquals(1, enumNames(r, 502).size(), "the preferred maximum after the array was read");
    }

    @Test
    void enumOfANonEnumerableLevelIsInvalidTag() {
        for (int level : new int[] {1005, 7}) {
            RpcFault f = assertThrows(RpcFault.class, () -> call(Srvsvc.OP_SHARE_ENUM, enumRequest(level, -1, 0)));
            assertEquals(RpcFault.NCA_S_FAULT_INVALID_TAG, f.status());
        }
        NdrWriter w = new NdrWriter();
        w.pointer(false).u32(1).u32(2).pointer(false).u32(-1).pointer(false); // discriminant differs from level
        assertThrows(NdrException.class, () -> call(Srvsvc.OP_SHARE_ENUM, w));
    }

    private NdrReader getInfo(String name, int level) throws Exception {
        NdrWriter w = new NdrWriter();
        w.pointer(false).string(name).u32(level);
        return call(Srvsvc.OP_SHARE_GET_INFO, w);
    }

    @Test
    void getInfoAtEveryLevel() throws Exception {
        for (int level : new int[] {0, 1, 2, 501, 502, 503, 1005}) {
            NdrReader r = getInfo("photos", level);
            assertEquals(level, r.u32());
            assertNotEquals(0, r.pointer());
            List<Object> row = structs(r, shape(level), 1).get(0);
            if (level == 1005) {
                assertEquals(0, row.get(0));
            } else {
                assertEquals("Photos", row.get(0));
            }
            if (level == 2) {
                assertEquals("C:\\Photos", row.get(6));
            }
            assertEquals(Srvsvc.ERROR_SUCCESS, r.u32());
            assertEquals(0, r.remaining());
        }
        NdrReader r = getInfo("IPC$", 1);
        r.u32();
        r.pointer();
        assertEquals(List.of("IPC$", 0x80000003, "Remote IPC"), structs(r, "SDS", 1).get(0));
    }

    @Test
    void getInfoErrors() throws Exception {
        NdrReader r = getInfo("nosuch", 1);
        assertEquals(1, r.u32());
        assertEquals(0, r.pointer());
        assertEquals(Srvsvc.NERR_NET_NAME_NOT_FOUND, r.u32());
        r = getInfo("default", 7);
        assertEquals(7, r.u32());
        assertEquals(0, r.pointer());
        assertEquals(Srvsvc.ERROR_INVALID_LEVEL, r.u32());
        assertEquals(0, r.remaining());
    }

    @Test
    void serverGetInfo() throws Exception {
        for (int level : new int[] {100, 101, 102}) {
            NdrWriter w = new NdrWriter();
            w.pointer(true).string("\\\\TESTSRV").u32(level);
            NdrReader r = call(Srvsvc.OP_SERVER_GET_INFO, w);
            assertEquals(level, r.u32());
            assertNotEquals(0, r.pointer());
            String shape = level == 100 ? "DS" : level == 101 ? "DSDDDS" : "DSDDDSDDDDDDS";
            List<Object> row = structs(r, shape, 1).get(0);
            assertEquals(500, row.get(0));
            assertEquals("TESTSRV", row.get(1));
            if (level != 100) {
                assertEquals(0x9003, row.get(4));
                assertEquals("test server", row.get(5));
            }
            assertEquals(Srvsvc.ERROR_SUCCESS, r.u32());
            assertEquals(0, r.remaining());
        }
        NdrWriter w = new NdrWriter();
        w.pointer(false).u32(103);
        NdrReader r = call(Srvsvc.OP_SERVER_GET_INFO, w);
        assertEquals(103, r.u32());
        assertEquals(0, r.pointer());
        assertEquals(Srvsvc.ERROR_INVALID_LEVEL, r.u32());
    }

    @Test
    void enumStickyLeavesOutSpecialShares() throws Exception {
        NdrReader r = call(Srvsvc.OP_SHARE_ENUM_STICKY, enumRequest(1, -1, 0));
        assertEquals(List.of("default", "Photos"), enumNames(r, 1));
        assertEquals(2, r.u32());
        r = call(Srvsvc.OP_SHARE_ENUM_STICKY, enumRequest(501, -1, 0));
        assertEquals(501, r.u32());
        assertEquals(501, r.u32());
        assertEquals(0, r.pointer());
        assertEquals(0, r.u32());
        assertNotEquals(0, r.pointer());
        assertEquals(0, r.u32());
        assertEquals(Srvsvc.ERROR_INVALID_LEVEL, r.u32());
    }

    @Test
    void shareCheckFindsSharedPaths() throws Exception {
        NdrWriter w = new NdrWriter();
        w.pointer(false).string("c:\\photos");
        NdrReader r = call(Srvsvc.OP_SHARE_CHECK, w);
        assertEquals(ShareEntry.STYPE_DISKTREE, r.u32());
        assertEquals(Srvsvc.ERROR_SUCCESS, r.u32());
        w = new NdrWriter();
        w.pointer(false).string("D:\\");
        r = call(Srvsvc.OP_SHARE_CHECK, w);
        r.u32();
        assertEquals(Srvsvc.NERR_DEVICE_NOT_SHARED, r.u32());
    }

    @Test
    void remoteTimeOfDay() throws Exception {
        NdrWriter w = new NdrWriter();
        w.pointer(false);
        NdrReader r = call(Srvsvc.OP_REMOTE_TOD, w);
        assertNotEquals(0, r.pointer());
        int[] tod = new int[12];
        for (int i = 0; i < tod.length; i++) {
            tod[i] = r.u32();
        }
        assertEquals((int) Instant.parse("2026-11-22T03:04:05Z").getEpochSecond(), tod[0]);
        assertEquals(List.of(3, 4, 5, 67), List.of(tod[2], tod[3], tod[4], tod[5]));
        assertEquals(List.of(22, 11, 2026, 0), List.of(tod[8], tod[9], tod[10], tod[11]), "a Sunday");
        assertEquals(Srvsvc.ERROR_SUCCESS, r.u32());
        assertEquals(0, r.remaining());
    }
}
