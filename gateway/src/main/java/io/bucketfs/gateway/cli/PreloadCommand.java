package io.bucketfs.gateway.cli;

import com.fasterxml.jackson.databind.JsonNode;
import io.bucketfs.gateway.Sizes;
import io.bucketfs.gateway.control.Requests;
import java.io.PrintWriter;
import java.util.List;
import java.util.concurrent.Callable;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

/** {@code bucketfs preload}: warms the cache with files or whole directories of a mount. */
@Command(name = "preload", mixinStandardHelpOptions = true,
        description = {"Read files (or every file under directories) of a mount into the cache, through the same "
                + "path as a client read, so later reads are served from the cache.",
            "Shows a progress bar (bytes, rate, ETA) on a terminal and a plain line every few seconds otherwise."})
public final class PreloadCommand implements Callable<Integer> {

    /** How often the gateway is asked for progress. */
    static final long POLL_MILLIS = 250;

    @Mixin
    AdminOptions opts;
    @CommandLine.Spec
    CommandLine.Model.CommandSpec spec;

    @Option(names = "--mount", required = true, paramLabel = "NAME", description = "The mount.")
    String mount;
    @Parameters(arity = "1..*", paramLabel = "PATH",
            description = "Paths inside the mount ('/' for all of it); directories are read recursively.")
    List<String> paths;

    @Override
    public Integer call() throws InterruptedException {
        PrintWriter out = spec.commandLine().getOut();
        AdminClient client = opts.client();
        JsonNode job = client.post("/v1/preload", new Requests.Preload(mount, paths));
        String id = job.path("id").asText();
        boolean show = opts.output == AdminOptions.Format.table;
        Progress progress = new Progress(out, System.console() != null, "preload");
        while (!finished(job)) {
            if (show) {
                progress.update(job.path("bytes-done").asLong(), job.path("bytes").asLong(),
                        job.path("millis").asLong());
            }
            Thread.sleep(POLL_MILLIS);
            job = client.get("/v1/preload/" + AdminClient.seg(id));
        }
        if (show) {
            progress.update(job.path("bytes-done").asLong(), job.path("bytes").asLong(), job.path("millis").asLong());
            progress.finish();
        }
        if (job.path("state").asText().equals("failed")) {
            throw new CliException("preload: " + job.path("error").asText("failed; see the gateway log"));
        }
        if (show) {
            long files = job.path("files-done").asLong();
            long millis = job.path("millis").asLong();
            out.println("preloaded " + files + (files == 1 ? " file, " : " files, ")
                    + Sizes.format(job.path("bytes-done").asLong()) + " in " + (millis < 10_000
                    ? String.format(java.util.Locale.ROOT, "%.1f s", millis / 1000.0)
                    : Progress.duration(millis / 1000)) + " into the cache of " + mount);
            out.flush();
        } else {
            Printer.object(out, opts.output, job);
        }
        return 0;
    }

    private static boolean finished(JsonNode job) {
        String s = job.path("state").asText();
        return s.equals("done") || s.equals("failed");
    }
}
