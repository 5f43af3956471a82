package io.bucketfs.nfs.export;

import java.util.ArrayList;
import java.util.Collections;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;

/**
 * The exports of the running server, changed while it runs (a mount created or deleted appears or disappears at
 * once). Thread-safe; lookups are lock-free.
 */
public final class ExportTable {

    private final Map<Integer, Export> byId = new ConcurrentHashMap<>();
    private final Map<String, Export> byName = new ConcurrentHashMap<>();

    /** Adds {@code export}; a second export with the same id or name is refused. */
    public synchronized void add(Export export) {
        if (byId.containsKey(export.id())) {
            throw new IllegalArgumentException("export id " + export.id() + " is taken by " + byId.get(export.id()).name());
        }
        if (byName.containsKey(export.name())) {
            throw new IllegalArgumentException("export " + export.name() + " exists");
        }
        byId.put(export.id(), export);
        byName.put(export.name(), export);
    }

    /** Removes the export named {@code name}; its handles become stale. */
    public synchronized Optional<Export> remove(String name) {
        Export e = byName.remove(name);
        if (e != null) {
            byId.remove(e.id());
        }
        return Optional.ofNullable(e);
    }

    public Optional<Export> byId(int id) {
        return Optional.ofNullable(byId.get(id));
    }

    public Optional<Export> byName(String name) {
        return Optional.ofNullable(byName.get(name));
    }

    /** Every export, ordered by name. */
    public List<Export> all() {
        List<Export> out = new ArrayList<>(byName.values());
        out.sort(Comparator.comparing(Export::name));
        return Collections.unmodifiableList(out);
    }
}
