package io.bucketfs.tests.crash;

import io.bucketfs.tests.crash.CrashContent.Version;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;

/**
 * What one client worker (one directory, one operation at a time) knows survived: the files whose operations were
 * acknowledged, each with its exact version, and the one operation in flight when the gateway was killed. An
 * operation is acknowledged when its durable reply arrived (NFS COMMIT, SMB FLUSH or CLOSE for data; the reply of
 * CREATE, SETATTR, RENAME, REMOVE for the namespace, which the gateway journals before it answers).
 *
 * <p>{@link #check} says which states of the directory a crash may leave ({@link #worlds}): with nothing in flight,
 * exactly the acknowledged one; a write in flight may be not applied at all (unless its truncation was
 * acknowledged) or applied in part — whole blocks of the new version, zeros elsewhere, never a block of an older
 * version (NFS UNSTABLE / SMB unflushed writes may be made stable in any subset before the commit); a rename or
 * remove in flight is done or not, whole. A file acknowledged and not in flight must be exactly its version.
 * Thread-confined to its worker while it runs, then read by the test after the worker ended.
 */
final class CrashLedger {

    /** The operation kinds. */
    enum Kind { WRITE, RENAME, REMOVE }

    /** The operation in flight; {@code truncated}: a write's truncation to 0 was acknowledged. */
    record Pending(Kind kind, String path, String to, Version version, boolean truncated) {
    }

    /** What a file may be: exactly {@code version}, or ({@code partial}) any partial write of it. */
    record Expect(Version version, boolean partial) {

        String mismatch(byte[] seen) {
            if (CrashContent.isExactly(seen, version)) {
                return null;
            }
            if (!partial) {
                return "not exactly " + version + ": " + CrashContent.describeAll(seen);
            }
            String why = CrashContent.partialOf(seen, version);
            return why == null ? null : "not a partial write of " + version + ": " + why + "; "
                    + CrashContent.describeAll(seen);
        }
    }

    private final String name;
    private final TreeMap<String, Version> acked = new TreeMap<>();
    private final TreeMap<String, String> ackedBy = new TreeMap<>();
    private Pending pending;
    private long acks;
    private long nextName;
    private int nextVersion;

    CrashLedger(String name) {
        this.name = name;
    }

    String name() {
        return name;
    }

    /** The acknowledged files (path in the worker's directory → version). */
    TreeMap<String, Version> acked() {
        return acked;
    }

    /** A number not given before by this ledger (for names and file ids). */
    long nextName() {
        return ++nextName;
    }

    /** A version number not given before by this ledger. */
    int nextVersion() {
        return ++nextVersion;
    }

    /** Operations acknowledged since this ledger was made. */
    long acks() {
        return acks;
    }

    Pending pending() {
        return pending;
    }

    void begin(Pending p) {
        if (pending != null) {
            throw new IllegalStateException(name + ": " + pending + " still in flight");
        }
        pending = p;
    }

    /** A write's file was created (empty) durably: the name is acknowledged as an empty file. */
    void created() {
        acked.put(pending.path(), new Version(pending.version().fileId(), 0, 0));
        pending = new Pending(pending.kind(), pending.path(), null, pending.version(), true);
        acks++;
    }

    /** A write's truncation to 0 was acknowledged: the old content may not come back. */
    void truncated() {
        acked.put(pending.path(), new Version(pending.version().fileId(), 0, 0));
        pending = new Pending(pending.kind(), pending.path(), null, pending.version(), true);
        acks++;
    }

    /** The operation in flight was acknowledged (a write by the reply named {@code by}: COMMIT, FLUSH, CLOSE). */
    void ack(String by) {
        switch (pending.kind()) {
            case WRITE -> {
                acked.put(pending.path(), pending.version());
                ackedBy.put(pending.path(), by);
            }
            case RENAME -> {
                acked.put(pending.to(), acked.remove(pending.path()));
                ackedBy.put(pending.to(), ackedBy.remove(pending.path()));
            }
            case REMOVE -> {
                acked.remove(pending.path());
                ackedBy.remove(pending.path());
            }
            default -> throw new IllegalStateException();
        }
        pending = null;
        acks++;
    }

    /** The states the directory may be in after a crash: path → what the file may hold. */
    List<Map<String, Expect>> worlds() {
        Map<String, Expect> before = new TreeMap<>();
        acked.forEach((p, v) -> before.put(p, new Expect(v, false)));
        List<Map<String, Expect>> out = new ArrayList<>();
        if (pending == null) {
            out.add(before);
            return out;
        }
        Map<String, Expect> after = new TreeMap<>(before);
        switch (pending.kind()) {
            case WRITE -> after.put(pending.path(), new Expect(pending.version(), true));
            case RENAME -> after.put(pending.to(), after.remove(pending.path()));
            case REMOVE -> after.remove(pending.path());
            default -> throw new IllegalStateException();
        }
        if (!(pending.kind() == Kind.WRITE && pending.truncated())) {
            out.add(before);
        }
        out.add(after);
        return out;
    }

    /**
     * Checks what the directory holds after the crash against {@link #worlds}; returns null if one matches, else
     * why none does (each world's first difference).
     */
    String check(Map<String, byte[]> seen) {
        StringBuilder why = new StringBuilder();
        for (Map<String, Expect> w : worlds()) {
            String m = mismatch(w, seen);
            if (m == null) {
                return null;
            }
            why.append("\n    world ").append(w.keySet()).append(": ").append(m);
        }
        return name + ": acknowledged " + acked + " (data acknowledged by " + ackedBy + "), in flight " + pending
                + ", seen " + seen.keySet() + why;
    }

    private static String mismatch(Map<String, Expect> world, Map<String, byte[]> seen) {
        if (!world.keySet().equals(seen.keySet())) {
            return "names differ";
        }
        for (Map.Entry<String, Expect> e : world.entrySet()) {
            String m = e.getValue().mismatch(seen.get(e.getKey()));
            if (m != null) {
                return e.getKey() + " " + m;
            }
        }
        return null;
    }

    /**
     * After a passed {@link #check}: takes what survived as acknowledged and forgets the operation in flight.
     * Returns the paths holding a partial write (neither empty nor a whole version), which the worker removes.
     */
    List<String> settle(Map<String, byte[]> seen) {
        List<String> partial = new ArrayList<>();
        Version inFlight = pending != null && pending.kind() == Kind.WRITE ? pending.version() : null;
        String inFlightPath = inFlight == null ? null : pending.path();
        Map<String, Version> before = new TreeMap<>(acked);
        if (pending != null && pending.kind() == Kind.RENAME && !seen.containsKey(pending.path())) {
            before.put(pending.to(), before.remove(pending.path()));
        }
        acked.clear();
        ackedBy.clear();
        for (Map.Entry<String, byte[]> e : seen.entrySet()) {
            byte[] b = e.getValue();
            if (e.getKey().equals(inFlightPath) && CrashContent.isExactly(b, inFlight)) {
                acked.put(e.getKey(), inFlight);
            } else if (before.containsKey(e.getKey()) && CrashContent.isExactly(b, before.get(e.getKey()))) {
                acked.put(e.getKey(), before.get(e.getKey()));
            } else if (b.length == 0 && inFlight != null) {
                acked.put(e.getKey(), new Version(inFlight.fileId(), 0, 0));
            } else {
                partial.add(e.getKey());
            }
        }
        pending = null;
        return partial;
    }
}
