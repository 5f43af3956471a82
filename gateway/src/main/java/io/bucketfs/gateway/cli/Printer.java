package io.bucketfs.gateway.cli;

import com.fasterxml.jackson.databind.JsonNode;
import io.bucketfs.gateway.state.StateStore;
import java.io.PrintWriter;
import java.util.ArrayList;
import java.util.List;

/** Prints admin API answers as JSON or as a table / a key-value list. */
final class Printer {

    private Printer() {
    }

    /** A list of objects: a table of {@code columns} (JSON field names; the header is their upper case). */
    static void list(PrintWriter out, AdminOptions.Format f, JsonNode items, String... columns) {
        if (f == AdminOptions.Format.json) {
            json(out, items);
            return;
        }
        List<String[]> rows = new ArrayList<>();
        String[] header = new String[columns.length];
        for (int i = 0; i < columns.length; i++) {
            header[i] = columns[i].toUpperCase(java.util.Locale.ROOT);
        }
        rows.add(header);
        for (JsonNode item : items) {
            String[] row = new String[columns.length];
            for (int i = 0; i < columns.length; i++) {
                row[i] = text(item.get(columns[i]));
            }
            rows.add(row);
        }
        int[] w = new int[columns.length];
        for (String[] r : rows) {
            for (int i = 0; i < r.length; i++) {
                w[i] = Math.max(w[i], r[i].length());
            }
        }
        for (String[] r : rows) {
            StringBuilder b = new StringBuilder();
            for (int i = 0; i < r.length; i++) {
                b.append(i == r.length - 1 ? r[i] : String.format("%-" + (w[i] + 2) + "s", r[i]));
            }
            out.println(b.toString().stripTrailing());
        }
        out.flush();
    }

    /** One object: {@code key: value} lines. */
    static void object(PrintWriter out, AdminOptions.Format f, JsonNode item) {
        if (f == AdminOptions.Format.json) {
            json(out, item);
            return;
        }
        int w = 0;
        for (var it = item.fieldNames(); it.hasNext(); ) {
            w = Math.max(w, it.next().length());
        }
        for (var it = item.fields(); it.hasNext(); ) {
            var e = it.next();
            out.println(String.format("%-" + (w + 1) + "s %s", e.getKey() + ":", text(e.getValue())));
        }
        out.flush();
    }

    static void json(PrintWriter out, JsonNode n) {
        try {
            out.println(StateStore.JSON.writeValueAsString(n));
        } catch (com.fasterxml.jackson.core.JsonProcessingException e) {
            throw new IllegalStateException(e);
        }
        out.flush();
    }

    static String text(JsonNode v) {
        if (v == null || v.isNull()) {
            return "-";
        }
        if (v.isArray()) {
            List<String> parts = new ArrayList<>();
            v.forEach(x -> parts.add(text(x)));
            return parts.isEmpty() ? "-" : String.join(",", parts);
        }
        if (v.isObject()) {
            return v.toString();
        }
        return v.asText();
    }
}
