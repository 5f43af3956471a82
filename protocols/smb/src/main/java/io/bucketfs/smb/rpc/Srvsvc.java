package io.bucketfs.smb.rpc;

import java.time.Clock;
import java.time.Instant;
import java.time.ZoneOffset;
import java.time.ZonedDateTime;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.UUID;
import java.util.function.Supplier;

/**
 * The server side of [MS-SRVS] srvsvc (interface 4b324fc8-1670-01d3-1278-5a47bf6ee188 v3.0) for share browsing:
 * NetrShareEnum (opnum 15, levels 0, 1, 2, 501, 502, 503; 3.1.4.8), NetrShareEnumSticky (36, the same over the
 * configured shares, IPC$ left out; 3.1.4.9), NetrShareGetInfo (16, levels 0, 1, 2, 501, 502, 503, 1005;
 * 3.1.4.10), NetrShareCheck (20; 3.1.4.12), NetrServerGetInfo (21, levels 100, 101, 102; 3.1.4.17) and
 * NetrRemoteTOD (28; 3.1.4.21). Any other opnum is a fault nca_s_op_rng_error. Every authenticated user may call
 * them.
 */
public final class Srvsvc implements RpcInterface {
    public static final UUID UUID_SRVSVC = UUID.fromString("4b324fc8-1670-01d3-1278-5a47bf6ee188");
    public static final int OP_SHARE_ENUM = 15;
    public static final int OP_SHARE_GET_INFO = 16;
    public static final int OP_SHARE_CHECK = 20;
    public static final int OP_SERVER_GET_INFO = 21;
    public static final int OP_REMOTE_TOD = 28;
    public static final int OP_SHARE_ENUM_STICKY = 36;
    // Win32 error codes of NET_API_STATUS
    public static final int ERROR_SUCCESS = 0;
    public static final int ERROR_INVALID_LEVEL = 124;
    public static final int ERROR_MORE_DATA = 234;
    public static final int NERR_NET_NAME_NOT_FOUND = 2310;
    public static final int NERR_DEVICE_NOT_SHARED = 2311;
    /** shi*_max_uses: no limit. */
    static final int SHI_USES_UNLIMITED = -1;
    // [MS-SRVS] 2.2.2.6 server types
    static final int SV_TYPE_WORKSTATION = 0x1;
    static final int SV_TYPE_SERVER = 0x2;
    static final int SV_TYPE_NT = 0x1000;
    static final int SV_TYPE_SERVER_NT = 0x8000;
    static final int PLATFORM_ID_NT = 500;

    /** A field of an info structure: a DWORD, a unique pointer to a string, or a sized byte array pointer. */
    private interface Field {
    }

    private record Dword(int value) implements Field {
    }

    private record Str(String value) implements Field {
    }

    /** {@code [size_is(previous DWORD)] unsigned char*}: only the null pointer is ever sent or expected here. */
    private record Blob() implements Field {
    }

    private final String serverName;
    private final String comment;
    private final Supplier<List<ShareEntry>> shares;
    private final Clock clock;

    /**
     * @param serverName the NetBIOS name reported by NetrServerGetInfo
     * @param comment the server comment
     * @param shares the shares, IPC$ included, in the order they are listed
     */
    public Srvsvc(String serverName, String comment, Supplier<List<ShareEntry>> shares) {
        this(serverName, comment, shares, Clock.systemUTC());
    }

    /** @param clock the time NetrRemoteTOD reports */
    public Srvsvc(String serverName, String comment, Supplier<List<ShareEntry>> shares, Clock clock) {
        this.serverName = serverName;
        this.comment = comment;
        this.shares = shares;
        this.clock = clock;
    }

    @Override
    public UUID uuid() {
        return UUID_SRVSVC;
    }

    @Override
    public int majorVersion() {
        return 3;
    }

    @Override
    public int minorVersion() {
        return 0;
    }

    @Override
    public byte[] invoke(int opnum, NdrReader in) throws RpcFault, NdrException {
        return switch (opnum) {
            case OP_SHARE_ENUM -> shareEnum(in, false);
            case OP_SHARE_ENUM_STICKY -> shareEnum(in, true);
            case OP_SHARE_GET_INFO -> shareGetInfo(in);
            case OP_SHARE_CHECK -> shareCheck(in);
            case OP_SERVER_GET_INFO -> serverGetInfo(in);
            case OP_REMOTE_TOD -> remoteTod(in);
            default -> throw new RpcFault(RpcFault.NCA_S_OP_RNG_ERROR, "srvsvc opnum " + opnum);
        };
    }

    /** The SHARE_INFO_x fields of a share, or null for a level we do not serve. */
    private List<Field> shareInfo(ShareEntry s, int level) {
        boolean ipc = (s.type() & 0xFF) == ShareEntry.STYPE_IPC;
        List<Field> f = new ArrayList<>();
        if (level == 1005) {
            f.add(new Dword(0)); // shi1005_flags: manual caching, no DFS, no access-based enumeration
            return f;
        }
        f.add(new Str(s.name()));
        if (level == 0) {
            return f;
        }
        f.add(new Dword(s.type()));
        f.add(new Str(s.remark()));
        switch (level) {
            case 1 -> {
                return f;
            }
            case 501 -> {
                f.add(new Dword(0));
                return f;
            }
            case 2, 502, 503 -> {
                f.add(new Dword(0)); // permissions: ignored under user-level security
                f.add(new Dword(SHI_USES_UNLIMITED));
                f.add(new Dword(0)); // current uses
                f.add(new Str(ipc ? null : s.path()));
                f.add(new Str(null)); // password
                if (level == 503) {
                    f.add(new Str("*")); // shi503_servername: every name the server answers to
                }
                if (level != 2) {
                    f.add(new Dword(0)); // shi502_reserved: the descriptor's size
                    f.add(new Blob());
                }
                return f;
            }
            default -> {
                return null;
            }
        }
    }

    /** Kinds of the fields of SHARE_INFO_x, to skip an array a client sent in the [in] container. */
    private List<Field> shareInfoShape(int level) {
        return shareInfo(new ShareEntry("", 0, "", ""), level);
    }

    /** Writes structures with embedded pointers: every fixed part, then the pointees in order ([C706] 14.3.12.3). */
    private static void writeStructs(NdrWriter w, List<List<Field>> rows) {
        for (List<Field> row : rows) {
            for (Field f : row) {
                if (f instanceof Dword d) {
                    w.u32(d.value());
                } else if (f instanceof Str s) {
                    w.pointer(s.value() != null);
                } else {
                    w.pointer(false);
                }
            }
        }
        for (List<Field> row : rows) {
            for (Field f : row) {
                if (f instanceof Str s && s.value() != null) {
                    w.string(s.value());
                }
            }
        }
    }

    /** Reads (and drops) a conformant array of structures of {@code shape} with their pointees. */
    private static void skipStructs(NdrReader r, List<Field> shape) throws NdrException {
        long count = r.u32() & 0xFFFFFFFFL;
        if (count * 4 * shape.size() > r.remaining()) {
            throw new NdrException("array of " + count + " entries beyond the stub");
        }
        List<Field> present = new ArrayList<>();
        int lastDword = 0;
        for (long i = 0; i < count; i++) {
            for (Field f : shape) {
                int v = r.u32();
                if (f instanceof Dword) {
                    lastDword = v;
                } else if (v != 0) {
                    present.add(f instanceof Blob ? new Dword(lastDword) : f);
                }
            }
        }
        for (Field f : present) {
            if (f instanceof Dword size) {
                long n = r.u32() & 0xFFFFFFFFL;
                if (n != (size.value() & 0xFFFFFFFFL) || n > r.remaining()) {
                    throw new NdrException("bad byte array size " + n);
                }
                r.bytes((int) n);
            } else {
                r.string();
            }
        }
    }

    /**
     * NetrShareEnum: [in, string, unique] ServerName, [in, out] SHARE_ENUM_STRUCT InfoStruct, [in] DWORD
     * PreferedMaximumLength, [out] DWORD TotalEntries, [in, out, unique] DWORD* ResumeHandle. Entries are
     * returned from the resume handle (an index) on while their size (fixed parts plus strings) fits the
     * preferred maximum, at least one; ERROR_MORE_DATA when some are left.
     */
    private byte[] shareEnum(NdrReader in, boolean sticky) throws NdrException, RpcFault {
        in.uniqueString();
        int level = in.u32();
        int discriminant = in.u32();
        if (discriminant != level) {
            throw new NdrException("union discriminant " + discriminant + " for level " + level);
        }
        List<Field> shape = shareInfoShape(level);
        if (shape == null || level == 1005) {
            throw new RpcFault(RpcFault.NCA_S_FAULT_INVALID_TAG, "SHARE_ENUM_UNION arm " + level);
        }
        if (in.pointer() != 0) {
            in.u32(); // EntriesRead
            if (in.pointer() != 0) {
                skipStructs(in, shape);
            }
        }
        long preferred = in.u32() & 0xFFFFFFFFL;
        boolean hasResume = in.pointer() != 0;
        long resume = hasResume ? in.u32() & 0xFFFFFFFFL : 0;

        if (sticky && (level == 501 || level == 503)) { // 3.1.4.9: levels 0, 1, 2 and 502 only
            NdrWriter w = new NdrWriter();
            w.u32(level).u32(level).pointer(false).u32(0);
            if (hasResume) {
                w.pointer(true).u32((int) resume);
            } else {
                w.pointer(false);
            }
            return w.u32(ERROR_INVALID_LEVEL).toByteArray();
        }
        List<ShareEntry> all = shares.get();
        if (sticky) {
            all = all.stream().filter(e -> (e.type() & ShareEntry.STYPE_SPECIAL) == 0).toList();
        }
        List<List<Field>> rows = new ArrayList<>();
        long size = 0;
        int next = (int) Math.min(resume, all.size());
        while (next < all.size()) {
            List<Field> row = shareInfo(all.get(next), level);
            long rowSize = 4L * row.size();
            for (Field f : row) {
                if (f instanceof Str s && s.value() != null) {
                    rowSize += 2L * (s.value().length() + 1);
                }
            }
            if (!rows.isEmpty() && size + rowSize > preferred) {
                break;
            }
            rows.add(row);
            size += rowSize;
            next++;
        }
        boolean more = next < all.size();
        NdrWriter w = new NdrWriter();
        w.u32(level).u32(level).pointer(true);
        w.u32(rows.size()).pointer(!rows.isEmpty());
        if (!rows.isEmpty()) {
            w.u32(rows.size());
            writeStructs(w, rows);
        }
        w.u32(all.size());
        if (hasResume) {
            w.pointer(true).u32(more ? next : 0);
        } else {
            w.pointer(false);
        }
        w.u32(more ? ERROR_MORE_DATA : ERROR_SUCCESS);
        return w.toByteArray();
    }

    /** NetrShareGetInfo: [in, string, unique] ServerName, [in, string] NetName, [in] Level, [out] SHARE_INFO. */
    private byte[] shareGetInfo(NdrReader in) throws NdrException {
        in.uniqueString();
        String name = in.string();
        int level = in.u32();
        NdrWriter w = new NdrWriter();
        w.u32(level);
        ShareEntry found = null;
        for (ShareEntry s : shares.get()) {
            if (s.name().toLowerCase(Locale.ROOT).equals(name.toLowerCase(Locale.ROOT))) {
                found = s;
            }
        }
        List<Field> info = found == null ? null : shareInfo(found, level);
        if (shareInfoShape(level) == null) {
            w.pointer(false).u32(ERROR_INVALID_LEVEL);
        } else if (info == null) {
            w.pointer(false).u32(NERR_NET_NAME_NOT_FOUND);
        } else {
            w.pointer(true);
            writeStructs(w, List.of(info));
            w.u32(ERROR_SUCCESS);
        }
        return w.toByteArray();
    }

    /** NetrShareCheck: [in, string, unique] ServerName, [in, string] Device, [out] DWORD Type. */
    private byte[] shareCheck(NdrReader in) throws NdrException {
        in.uniqueString();
        String device = in.string();
        NdrWriter w = new NdrWriter();
        for (ShareEntry s : shares.get()) {
            if (s.path() != null && s.path().equalsIgnoreCase(device)) {
                return w.u32(s.type()).u32(ERROR_SUCCESS).toByteArray();
            }
        }
        return w.u32(0).u32(NERR_DEVICE_NOT_SHARED).toByteArray();
    }

    /** NetrRemoteTOD: [in, string, unique] ServerName, [out] LPTIME_OF_DAY_INFO* (2.2.4.105), in UTC. */
    private byte[] remoteTod(NdrReader in) throws NdrException {
        in.uniqueString();
        Instant now = clock.instant();
        ZonedDateTime t = now.atZone(ZoneOffset.UTC);
        NdrWriter w = new NdrWriter();
        w.pointer(true);
        w.u32((int) now.getEpochSecond()); // tod_elapsedt
        w.u32((int) now.toEpochMilli()); // tod_msecs: milliseconds from an arbitrary origin
        w.u32(t.getHour()).u32(t.getMinute()).u32(t.getSecond()).u32(t.getNano() / 10_000_000);
        w.u32(0); // tod_timezone: minutes from UTC
        w.u32(310); // tod_tinterval: the clock tick, in 0.0001 s
        w.u32(t.getDayOfMonth()).u32(t.getMonthValue()).u32(t.getYear());
        w.u32(t.getDayOfWeek().getValue() % 7); // 0 is Sunday
        return w.u32(ERROR_SUCCESS).toByteArray();
    }

    /** NetrServerGetInfo: [in, string, unique] ServerName, [in] Level, [out] SERVER_INFO. */
    private byte[] serverGetInfo(NdrReader in) throws NdrException {
        in.uniqueString();
        int level = in.u32();
        List<Field> f = new ArrayList<>();
        f.add(new Dword(PLATFORM_ID_NT));
        f.add(new Str(serverName));
        if (level == 101 || level == 102) {
            f.add(new Dword(10)); // version_major
            f.add(new Dword(0)); // version_minor
            f.add(new Dword(SV_TYPE_WORKSTATION | SV_TYPE_SERVER | SV_TYPE_NT | SV_TYPE_SERVER_NT));
            f.add(new Str(comment));
        }
        if (level == 102) {
            f.add(new Dword(-1)); // users: no limit
            f.add(new Dword(-1)); // disc: no auto-disconnect
            f.add(new Dword(0)); // hidden
            f.add(new Dword(240)); // announce (seconds)
            f.add(new Dword(3000)); // anndelta (milliseconds)
            f.add(new Dword(0)); // licenses
            f.add(new Str("C:\\")); // userpath
        }
        NdrWriter w = new NdrWriter();
        w.u32(level);
        if (level != 100 && level != 101 && level != 102) {
            w.pointer(false).u32(ERROR_INVALID_LEVEL);
        } else {
            w.pointer(true);
            writeStructs(w, List.of(f));
            w.u32(ERROR_SUCCESS);
        }
        return w.toByteArray();
    }
}
