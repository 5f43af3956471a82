package io.bucketfs.backends.local;

import io.bucketfs.backends.ListPage;
import io.bucketfs.backends.ListRequest;
import io.bucketfs.backends.ObjectInfo;
import io.bucketfs.backends.ObjectKeys;
import io.bucketfs.backends.ObjectSummary;
import java.io.IOException;
import java.nio.channels.FileChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.DirectoryStream;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Base64;
import java.util.Deque;
import java.util.List;

/**
 * One page of a listing of the local store: a depth-first walk of the key tree in S3 order (UTF-8 binary), which
 * starts at the deepest directory the prefix names, skips whole subtrees that lie before the continuation point,
 * and — for the {@code /} delimiter — reports a directory as a common prefix without walking it.
 *
 * <p>The continuation token is opaque to callers: base64url of {@code k:<last key>} or {@code p:<last common
 * prefix>}; the next page resumes strictly after it (after every key under the prefix, for {@code p:}).
 */
final class Lister {

    /** A child of a directory: its key prefix ({@code dir}) or key (object), and its path. */
    private record Entry(String key, boolean dir, Path path) {
    }

    private final Path objectsRoot;
    private final ListRequest req;
    private final String after;
    private final boolean afterIsPrefix;

    Lister(Path objectsRoot, ListRequest req) {
        this.objectsRoot = objectsRoot;
        this.req = req;
        if (req.continuationToken() == null) {
            after = null;
            afterIsPrefix = false;
        } else {
            String t;
            try {
                t = new String(Base64.getUrlDecoder().decode(req.continuationToken()), StandardCharsets.UTF_8);
            } catch (IllegalArgumentException e) {
                throw new IllegalArgumentException("continuation token is not one this store issued");
            }
            if (!t.startsWith("k:") && !t.startsWith("p:")) {
                throw new IllegalArgumentException("continuation token is not one this store issued");
            }
            after = t.substring(2);
            afterIsPrefix = t.startsWith("p:");
        }
    }

    ListPage page() throws IOException {
        String prefix = req.prefix();
        int slash = prefix.lastIndexOf('/');
        String baseKey = prefix.substring(0, slash + 1);
        String partial = prefix.substring(slash + 1);
        List<ObjectSummary> objects = new ArrayList<>();
        List<String> prefixes = new ArrayList<>();
        String delim = req.delimiter();
        String lastPrefix = null;
        String lastItem = null;
        boolean lastWasPrefix = false;

        Deque<List<Entry>> stack = new ArrayDeque<>();
        Deque<Integer> index = new ArrayDeque<>();
        stack.push(children(KeyPaths.dirPath(objectsRoot, baseKey), baseKey, partial));
        index.push(0);
        while (!stack.isEmpty()) {
            List<Entry> level = stack.peek();
            int i = index.pop();
            if (i >= level.size()) {
                stack.pop();
                continue;
            }
            index.push(i + 1);
            Entry e = level.get(i);
            if (e.dir) {
                if (skipSubtree(e.key)) {
                    continue;
                }
                if ("/".equals(delim) && e.key.length() > prefix.length()) {
                    // the whole directory rolls up into one common prefix (if it holds any object)
                    if (!e.key.equals(lastPrefix) && !isAfterDone(e.key) && hasObject(e.path)) {
                        if (objects.size() + prefixes.size() == req.maxKeys()) {
                            return new ListPage(objects, prefixes, token(lastItem, lastWasPrefix));
                        }
                        prefixes.add(e.key);
                        lastPrefix = e.key;
                        lastItem = e.key;
                        lastWasPrefix = true;
                    }
                    continue;
                }
                stack.push(children(e.path, e.key, ""));
                index.push(0);
                continue;
            }
            if (isAfterDone(e.key)) {
                continue;
            }
            String rolled = rollUp(e.key, delim, prefix.length());
            if (rolled != null) {
                if (rolled.equals(lastPrefix)) {
                    continue;
                }
                if (objects.size() + prefixes.size() == req.maxKeys()) {
                    return new ListPage(objects, prefixes, token(lastItem, lastWasPrefix));
                }
                prefixes.add(rolled);
                lastPrefix = rolled;
                lastItem = rolled;
                lastWasPrefix = true;
                continue;
            }
            ObjectSummary s = summary(e);
            if (s == null) {
                continue; // deleted while we walked
            }
            if (objects.size() + prefixes.size() == req.maxKeys()) {
                return new ListPage(objects, prefixes, token(lastItem, lastWasPrefix));
            }
            objects.add(s);
            lastItem = e.key;
            lastWasPrefix = false;
        }
        return new ListPage(objects, prefixes, null);
    }

    private static String rollUp(String key, String delim, int from) {
        if (delim == null) {
            return null;
        }
        int at = key.indexOf(delim, from);
        return at < 0 ? null : key.substring(0, at + delim.length());
    }

    /** True if every key under {@code dirKey} (which ends with '/') comes at or before the continuation point. */
    private boolean skipSubtree(String dirKey) {
        if (after == null) {
            return false;
        }
        if (afterIsPrefix && dirKey.startsWith(after)) {
            return true;
        }
        return !after.startsWith(dirKey) && ObjectKeys.compareUtf8(dirKey, after) < 0;
    }

    /** True if {@code key} (or common prefix) was already returned by an earlier page. */
    private boolean isAfterDone(String key) {
        if (after == null) {
            return false;
        }
        int c = ObjectKeys.compareUtf8(key, after);
        return afterIsPrefix ? key.startsWith(after) || c < 0 : c <= 0;
    }

    private static String token(String last, boolean prefix) {
        String t = (prefix ? "p:" : "k:") + last;
        return Base64.getUrlEncoder().withoutPadding().encodeToString(t.getBytes(StandardCharsets.UTF_8));
    }

    /** The directory's children whose names start with {@code partial}, in key order. */
    private static List<Entry> children(Path dir, String keyPrefix, String partial) throws IOException {
        List<Entry> out = new ArrayList<>();
        try (DirectoryStream<Path> ds = Files.newDirectoryStream(dir)) {
            for (Path p : ds) {
                String name = p.getFileName().toString();
                if (name.isEmpty() || (name.charAt(0) != KeyPaths.DIR && name.charAt(0) != KeyPaths.OBJ)) {
                    continue;
                }
                String seg = KeyPaths.decode(name.substring(1));
                if (seg == null || !seg.startsWith(partial)) {
                    continue;
                }
                boolean isDir = name.charAt(0) == KeyPaths.DIR;
                out.add(new Entry(keyPrefix + seg + (isDir ? "/" : ""), isDir, p));
            }
        } catch (NoSuchFileException e) {
            return out;
        }
        out.sort((a, b) -> ObjectKeys.compareUtf8(a.key, b.key));
        return out;
    }

    /** Whether any object lives below {@code dir} (empty directories may linger briefly after deletes). */
    private static boolean hasObject(Path dir) throws IOException {
        try (DirectoryStream<Path> ds = Files.newDirectoryStream(dir)) {
            for (Path p : ds) {
                String name = p.getFileName().toString();
                if (name.isEmpty()) {
                    continue;
                }
                if (name.charAt(0) == KeyPaths.OBJ || (name.charAt(0) == KeyPaths.DIR && hasObject(p))) {
                    return true;
                }
            }
        } catch (NoSuchFileException e) {
            return false;
        }
        return false;
    }

    private static ObjectSummary summary(Entry e) throws IOException {
        try (FileChannel ch = FileChannel.open(e.path, StandardOpenOption.READ)) {
            ObjectInfo info = ObjectFile.read(ch, e.key);
            return new ObjectSummary(e.key, info.size(), info.etag(), info.lastModified());
        } catch (NoSuchFileException gone) {
            return null;
        }
    }
}
