package io.bucketfs.vfs.core;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.TreeMap;
import java.util.TreeSet;

/**
 * The namespace the crash workload expects: directories and files by path (no leading '/'), with a value per file
 * ({@code V}: the content in the child, its digest in the parent). Both sides apply the same {@link Op}s, parsed
 * from the child's log lines, so they agree on what a rename of a directory or over a file does.
 *
 * @param <V> what is known about a file's content
 */
final class CrashModel<V> {

    /** The kinds of workload operations, as they appear in the log. */
    enum Kind { MKDIR, CREATE, WRITE, TRUNCATE, RENAME, REMOVE, RMDIR }

    /**
     * One operation of the workload: a log line {@code BEGIN <seq> <kind> <args>} before it is issued and
     * {@code ACK <seq> <kind> <args>} once it returned. WRITE and TRUNCATE carry the file's new digest and size.
     */
    record Op(long seq, Kind kind, String path, String to, String digest, long size) {

        static Op mkdir(long seq, String path) {
            return new Op(seq, Kind.MKDIR, path, null, null, 0);
        }

        static Op create(long seq, String path, String emptyDigest) {
            return new Op(seq, Kind.CREATE, path, null, emptyDigest, 0);
        }

        static Op write(long seq, Kind kind, String path, String digest, long size) {
            return new Op(seq, kind, path, null, digest, size);
        }

        static Op rename(long seq, String from, String to) {
            return new Op(seq, Kind.RENAME, from, to, null, 0);
        }

        static Op remove(long seq, Kind kind, String path) {
            return new Op(seq, kind, path, null, null, 0);
        }

        /** The arguments as logged after {@code BEGIN}/{@code ACK}. */
        String line() {
            return switch (kind) {
                case WRITE, TRUNCATE, CREATE -> seq + " " + kind + " " + path + " " + digest + " " + size;
                case RENAME -> seq + " " + kind + " " + path + " " + to;
                default -> seq + " " + kind + " " + path;
            };
        }

        /** Parses what {@link #line} wrote (the words after BEGIN/ACK). */
        static Op parse(String[] w, int from) {
            long seq = Long.parseLong(w[from]);
            Kind kind = Kind.valueOf(w[from + 1]);
            String path = w[from + 2];
            return switch (kind) {
                case WRITE, TRUNCATE, CREATE -> new Op(seq, kind, path, null, w[from + 3],
                        Long.parseLong(w[from + 4]));
                case RENAME -> rename(seq, path, w[from + 3]);
                default -> new Op(seq, kind, path, null, null, 0);
            };
        }
    }

    private final TreeSet<String> dirs = new TreeSet<>();
    private final TreeMap<String, V> files = new TreeMap<>();

    CrashModel() {
    }

    CrashModel(CrashModel<V> other) {
        dirs.addAll(other.dirs);
        files.putAll(other.files);
    }

    TreeSet<String> dirs() {
        return dirs;
    }

    TreeMap<String, V> files() {
        return files;
    }

    /** Applies {@code op}; {@code value} is the file's new value for CREATE/WRITE/TRUNCATE (else ignored). */
    void apply(Op op, V value) {
        switch (op.kind()) {
            case MKDIR -> dirs.add(op.path());
            case CREATE, WRITE, TRUNCATE -> files.put(op.path(), value);
            case REMOVE -> files.remove(op.path());
            case RMDIR -> dirs.remove(op.path());
            case RENAME -> rename(op.path(), op.to());
            default -> throw new IllegalArgumentException(op.toString());
        }
    }

    private void rename(String from, String to) {
        if (from.equals(to)) {
            return;
        }
        if (files.containsKey(from)) {
            files.put(to, files.remove(from));
            return;
        }
        dirs.remove(to); // an empty directory may be replaced
        List<String> subDirs = new ArrayList<>(dirs.subSet(from + "/", from + "/\uffff"));
        subDirs.add(from);
        for (String d : subDirs) {
            dirs.remove(d);
            dirs.add(to + d.substring(from.length()));
        }
        Map<String, V> moved = new TreeMap<>(files.subMap(from + "/", from + "/\uffff"));
        for (Map.Entry<String, V> e : moved.entrySet()) {
            files.remove(e.getKey());
            files.put(to + e.getKey().substring(from.length()), e.getValue());
        }
    }

    /** The names directly in directory {@code dir} ("" for the root). */
    TreeSet<String> children(String dir) {
        String p = dir.isEmpty() ? "" : dir + "/";
        TreeSet<String> out = new TreeSet<>();
        for (String path : dirs) {
            if (path.startsWith(p) && path.indexOf('/', p.length()) < 0) {
                out.add(path.substring(p.length()));
            }
        }
        for (String path : files.keySet()) {
            if (path.startsWith(p) && path.indexOf('/', p.length()) < 0) {
                out.add(path.substring(p.length()));
            }
        }
        return out;
    }

    @Override
    public boolean equals(Object o) {
        return o instanceof CrashModel<?> m && dirs.equals(m.dirs) && files.equals(m.files);
    }

    @Override
    public int hashCode() {
        return Objects.hash(dirs, files);
    }

    @Override
    public String toString() {
        return "dirs=" + dirs + " files=" + files;
    }
}
