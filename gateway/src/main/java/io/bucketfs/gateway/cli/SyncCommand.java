package io.bucketfs.gateway.cli;

import io.bucketfs.gateway.control.Requests;
import java.util.concurrent.Callable;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;

/** {@code bucketfs sync}: the write-back barrier. */
@Command(name = "sync", mixinStandardHelpOptions = true,
        description = {"Wait until every write acknowledged so far is in its bucket (the write-back barrier).",
            "With --mount, the barrier covers that mount only; without, every mount. While it waits, what is "
                + "left to upload (of --mount, else of all mounts) is shown: redrawn on a terminal, a plain line "
                + "every few seconds otherwise."})
public final class SyncCommand implements Callable<Integer> {

    @Mixin
    AdminOptions opts;
    @CommandLine.Spec
    CommandLine.Model.CommandSpec spec;

    @Option(names = "--mount", paramLabel = "NAME", description = "The mount whose writes must be in its bucket.")
    String mount;
    @Option(names = "--timeout", paramLabel = "SECONDS", description = "Give up after this long (default: 600).")
    Integer timeout;

    /** How long the gateway may wait: the sync's own bound, then time for it to answer that it ran out. */
    java.time.Duration answerWithin() {
        int wait = timeout == null ? io.bucketfs.gateway.control.ControlPlane.DEFAULT_SYNC_SECONDS : Math.max(timeout, 1);
        return java.time.Duration.ofSeconds(wait + 30L);
    }

    /** Progress is shown once a sync has taken this long. */
    static final long QUIET_MILLIS = 1000;

    @Override
    public Integer call() throws Exception {
        AdminClient client = opts.client();
        java.io.PrintWriter out = spec.commandLine().getOut();
        java.util.concurrent.CompletableFuture<com.fasterxml.jackson.databind.JsonNode> done =
                java.util.concurrent.CompletableFuture.supplyAsync(
                        () -> client.post("/v1/sync", new Requests.Sync(mount, timeout), answerWithin()));
        boolean terminal = System.console() != null;
        long t0 = System.nanoTime();
        boolean shown = false;
        while (true) {
            try {
                com.fasterxml.jackson.databind.JsonNode r = done.get(QUIET_MILLIS / 2,
                        java.util.concurrent.TimeUnit.MILLISECONDS);
                if (shown && terminal) {
                    out.println();
                }
                Printer.object(out, opts.output, r);
                return 0;
            } catch (java.util.concurrent.ExecutionException e) {
                if (shown && terminal) {
                    out.println();
                    out.flush();
                }
                throw e.getCause() instanceof RuntimeException re ? re : e;
            } catch (java.util.concurrent.TimeoutException e) {
                long millis = (System.nanoTime() - t0) / 1_000_000;
                if (opts.output == AdminOptions.Format.table && millis >= QUIET_MILLIS) {
                    shown |= left(client, out, terminal, millis, shown);
                }
            }
        }
    }

    /** One progress report: files and bytes not yet in the bucket. */
    private boolean left(AdminClient client, java.io.PrintWriter out, boolean terminal, long millis, boolean shown) {
        long files = 0;
        long bytes = 0;
        for (com.fasterxml.jackson.databind.JsonNode m : client.get("/v1/status")) {
            if (mount == null || mount.equals(m.path("mount").asText())) {
                files += m.path("upload-queue").asLong();
                bytes += m.path("dirty-bytes").asLong();
            }
        }
        String line = "sync: " + files + " file" + (files == 1 ? "" : "s") + ", "
                + io.bucketfs.gateway.Sizes.format(bytes) + " left to upload ("
                + Progress.duration(millis / 1000) + ")";
        if (terminal) {
            out.print("\r" + line + "   ");
        } else if (!shown || millis % Progress.PLAIN_INTERVAL_MILLIS < QUIET_MILLIS / 2) {
            out.println(line);
        }
        out.flush();
        return true;
    }
}
