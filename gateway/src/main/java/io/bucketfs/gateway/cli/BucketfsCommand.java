package io.bucketfs.gateway.cli;

import java.io.PrintStream;
import java.io.PrintWriter;
import picocli.CommandLine;
import picocli.CommandLine.Command;

/**
 * The {@code bucketfs} command line. Argument mistakes get one line naming the option and a pointer to
 * {@code --help} (exit code 2); failures at run time get one line (exit code 1) and, for server faults, a stack
 * trace in the log.
 */
@Command(name = "bucketfs", mixinStandardHelpOptions = true, versionProvider = VersionProvider.class,
        description = "A caching NFS/SMB gateway over object storage.",
        subcommands = {ServeCommand.class, ConnectionsCommand.class, BucketsCommand.class, MountCommand.class,
            UsersCommand.class, SyncCommand.class, StatusCommand.class, PreloadCommand.class,
            CommandLine.HelpCommand.class})
public final class BucketfsCommand implements Runnable {

    @CommandLine.Spec
    CommandLine.Model.CommandSpec spec;

    @Override
    public void run() {
        spec.commandLine().usage(spec.commandLine().getOut());
    }

    /** Runs the command line and returns the process exit code. */
    public static int run(String[] args, PrintStream out, PrintStream err) {
        CommandLine cl = new CommandLine(new BucketfsCommand());
        cl.setOut(new PrintWriter(out, true));
        cl.setErr(new PrintWriter(err, true));
        cl.setParameterExceptionHandler((ex, a) -> {
            CommandLine c = ex.getCommandLine();
            c.getErr().println("bucketfs: " + ex.getMessage() + " (see '" + c.getCommandSpec().qualifiedName()
                    + " --help')");
            return 2;
        });
        cl.setExecutionExceptionHandler((ex, c, parsed) -> {
            if (ex instanceof CliException) {
                c.getErr().println("bucketfs: " + ex.getMessage());
                return 1;
            }
            throw ex;
        });
        return cl.execute(args);
    }
}
