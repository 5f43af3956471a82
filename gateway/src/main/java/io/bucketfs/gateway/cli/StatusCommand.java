package io.bucketfs.gateway.cli;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.bucketfs.gateway.Sizes;
import io.bucketfs.gateway.state.StateStore;
import java.util.concurrent.Callable;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;

/** {@code bucketfs status}: per mount, the cache, write-back and backend figures since the gateway started. */
@Command(name = "status", mixinStandardHelpOptions = true,
        description = {"Per mount: cache used/size, hit ratio, dirty bytes, upload queue, backend requests and "
                + "bytes, and the backend bytes saved by the cache (counters since the gateway started).",
            "The cache is one pool shared by all mounts: USED is the mount's part of it, SIZE the most the mount may "
                + "take (its --cache-size, at most the pool)."})
public final class StatusCommand implements Callable<Integer> {

    @Mixin
    AdminOptions opts;
    @CommandLine.Spec
    CommandLine.Model.CommandSpec spec;

    @Override
    public Integer call() {
        JsonNode rows = opts.client().get("/v1/status");
        if (opts.output == AdminOptions.Format.json) {
            Printer.json(spec.commandLine().getOut(), rows);
            return 0;
        }
        Printer.list(spec.commandLine().getOut(), opts.output, table(rows), "mount", "cache", "hit-ratio", "dirty",
                "uploads", "backend-requests", "backend-in", "backend-out", "saved");
        return 0;
    }

    /** The rows as the table shows them (sizes in units, the ratio in percent). */
    static ArrayNode table(JsonNode rows) {
        ArrayNode t = StateStore.JSON.createArrayNode();
        for (JsonNode r : rows) {
            ObjectNode o = t.addObject();
            o.put("mount", r.path("mount").asText());
            o.put("cache", Sizes.format(r.path("cache-used-bytes").asLong()) + " / "
                    + Sizes.format(r.path("cache-size-bytes").asLong()));
            long lookups = r.path("cache-hits").asLong() + r.path("cache-misses").asLong();
            o.put("hit-ratio", lookups == 0 ? "-" : String.format(java.util.Locale.ROOT, "%.1f%%",
                    r.path("hit-ratio").asDouble() * 100));
            o.put("dirty", Sizes.format(r.path("dirty-bytes").asLong()));
            o.put("uploads", r.path("upload-queue").asLong());
            o.put("backend-requests", r.path("backend-requests").asLong()
                    + (r.path("backend-errors").asLong() > 0 ? " (" + r.path("backend-errors").asLong() + " failed)"
                    : ""));
            o.put("backend-in", Sizes.format(r.path("backend-bytes-in").asLong()));
            o.put("backend-out", Sizes.format(r.path("backend-bytes-out").asLong()));
            o.put("saved", Sizes.format(r.path("backend-bytes-saved").asLong()));
        }
        return t;
    }
}
