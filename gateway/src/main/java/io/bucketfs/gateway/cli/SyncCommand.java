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
            "The barrier covers every mount; --mount only checks that the mount exists. No progress display yet."})
public final class SyncCommand implements Callable<Integer> {

    @Mixin
    AdminOptions opts;
    @CommandLine.Spec
    CommandLine.Model.CommandSpec spec;

    @Option(names = "--mount", paramLabel = "NAME", description = "The mount whose writes must be in its bucket.")
    String mount;
    @Option(names = "--timeout", paramLabel = "SECONDS", description = "Give up after this long (default: 600).")
    Integer timeout;

    @Override
    public Integer call() {
        Printer.object(spec.commandLine().getOut(), opts.output,
                opts.client().post("/v1/sync", new Requests.Sync(mount, timeout)));
        return 0;
    }
}
