package io.bucketfs.gateway.cli;

import io.bucketfs.gateway.control.Requests;
import java.util.concurrent.Callable;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

/**
 * {@code bucketfs buckets …}: managed buckets, each on the gateway's embedded local store or, with
 * {@code --connection}, under {@code NAME/} of a read-write connection's bucket (chosen per bucket).
 */
@Command(name = "buckets", mixinStandardHelpOptions = true,
        description = "Create, list and delete managed buckets: each on the gateway's embedded local store, or "
                + "under NAME/ of a read-write connection's bucket (buckets create --connection).",
        subcommands = {BucketsCommand.Create.class, BucketsCommand.List.class, BucketsCommand.Delete.class})
public final class BucketsCommand implements Runnable {

    @CommandLine.Spec
    CommandLine.Model.CommandSpec spec;

    @Override
    public void run() {
        spec.commandLine().usage(spec.commandLine().getOut());
    }

    @Command(name = "create", mixinStandardHelpOptions = true, description = "Create a managed bucket.")
    static final class Create implements Callable<Integer> {
        @Mixin AdminOptions opts;
        @CommandLine.Spec CommandLine.Model.CommandSpec spec;
        @Option(names = "--name", required = true, paramLabel = "NAME",
                description = "3-63 of a-z 0-9 . - (S3's rules).")
        String name;
        @Option(names = "--connection", paramLabel = "CONNECTION",
                description = "Keep it under NAME/ in this read-write connection's bucket (default: the gateway's "
                        + "local store).")
        String connection;

        @Override
        public Integer call() {
            Printer.object(spec.commandLine().getOut(), opts.output,
                    opts.client().post("/v1/buckets", new Requests.Bucket(name, connection)));
            return 0;
        }
    }

    @Command(name = "list", mixinStandardHelpOptions = true, description = "List the managed buckets.")
    static final class List implements Callable<Integer> {
        @Mixin AdminOptions opts;
        @CommandLine.Spec CommandLine.Model.CommandSpec spec;

        @Override
        public Integer call() {
            Printer.list(spec.commandLine().getOut(), opts.output, opts.client().get("/v1/buckets"),
                    "name", "store", "path", "mounts");
            return 0;
        }
    }

    @Command(name = "delete", mixinStandardHelpOptions = true,
            description = "Delete an empty managed bucket that no mount uses.")
    static final class Delete implements Callable<Integer> {
        @Mixin AdminOptions opts;
        @CommandLine.Spec CommandLine.Model.CommandSpec spec;
        @Parameters(paramLabel = "NAME", description = "The bucket.")
        String name;

        @Override
        public Integer call() {
            Printer.object(spec.commandLine().getOut(), opts.output,
                    opts.client().delete("/v1/buckets/" + AdminClient.seg(name)));
            return 0;
        }
    }
}
