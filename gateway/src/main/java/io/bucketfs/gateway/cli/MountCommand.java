package io.bucketfs.gateway.cli;

import io.bucketfs.gateway.control.Requests;
import java.util.concurrent.Callable;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

/** {@code bucketfs mount …}: what NFS and SMB clients see. */
@Command(name = "mount", mixinStandardHelpOptions = true,
        description = "Create, list, show and delete mounts (NFS exports and SMB shares of a bucket).",
        subcommands = {MountCommand.Create.class, MountCommand.List.class, MountCommand.Show.class,
            MountCommand.Delete.class})
public final class MountCommand implements Runnable {

    @CommandLine.Spec
    CommandLine.Model.CommandSpec spec;

    @Override
    public void run() {
        spec.commandLine().usage(spec.commandLine().getOut());
    }

    @Command(name = "create", mixinStandardHelpOptions = true,
            description = {"Create a mount of a connection's bucket or of a managed bucket. Its NFS export",
                "(/NAME) and SMB share (NAME) appear at once."})
    static final class Create implements Callable<Integer> {
        @Mixin AdminOptions opts;
        @CommandLine.Spec CommandLine.Model.CommandSpec spec;

        @Option(names = "--name", paramLabel = "NAME",
                description = "The mount's name: its NFS path /NAME and SMB share (default: the connection's or "
                        + "bucket's name).")
        String name;
        @Option(names = "--connection", paramLabel = "CONNECTION", description = "Mount this connection's bucket.")
        String connection;
        @Option(names = "--bucket", paramLabel = "BUCKET", description = "Mount this managed bucket.")
        String bucket;
        @Option(names = "--region", paramLabel = "REGION",
                description = "A check: the connection must be configured for this region (its --region, or the "
                        + "provider's default; the bucket itself is not asked). Managed buckets: ignored.")
        String region;
        @Option(names = "--prefix", paramLabel = "PREFIX",
                description = "Only the keys under this prefix (ending with '/').")
        String prefix;
        @Option(names = "--protocol", paramLabel = "PROTOCOL", description = "nfs (default), smb or both.")
        String protocol;
        @Option(names = "--cache-size", paramLabel = "SIZE",
                description = "The most of the gateway's cache pool the mount may take, e.g. 500GB or 2TiB (default "
                        + "and at most: the pool, serve --cache-size).")
        String cacheSize;
        @Option(names = "--durability", paramLabel = "MODE",
                description = "local (default: COMMIT/FLUSH = on the cache disk) or object-store (= in the bucket).")
        String durability;
        @Option(names = "--read-only", description = "Refuse every change (always so on a read-only connection).")
        boolean readOnly;
        @Option(names = "--nfs-clients", paramLabel = "CIDR", split = ",",
                description = "The networks NFS clients may come from, e.g. 10.0.0.0/8,192.168.1.7 (default: loopback "
                        + "and the private networks; 0.0.0.0/0,::/0 for any).")
        java.util.List<String> nfsClients;
        @Option(names = "--no-root-squash",
                description = "NFS requests of uid 0 act as root (default: they act as nobody, 65534).")
        boolean noRootSquash;
        @Option(names = "--smb-users", paramLabel = "USER", split = ",",
                description = "The SMB users who may connect to the share, e.g. alice,bob (default: every user).")
        java.util.List<String> smbUsers;
        @Option(names = "--smb-encrypt",
                description = "The SMB share requires encryption: SMB 3 clients encrypt on it, SMB 2 clients and "
                        + "clients that cannot encrypt are refused (needs --protocol smb or both).")
        boolean smbEncrypt;

        @Override
        public Integer call() {
            Printer.object(spec.commandLine().getOut(), opts.output, opts.client().post("/v1/mounts",
                    new Requests.Mount(name, connection, bucket, prefix, protocol, cacheSize, readOnly ? true : null,
                            durability, nfsClients, region, smbUsers, noRootSquash ? false : null,
                            smbEncrypt ? true : null)));
            return 0;
        }
    }

    @Command(name = "list", mixinStandardHelpOptions = true, description = "List the mounts.")
    static final class List implements Callable<Integer> {
        @Mixin AdminOptions opts;
        @CommandLine.Spec CommandLine.Model.CommandSpec spec;

        @Override
        public Integer call() {
            Printer.list(spec.commandLine().getOut(), opts.output, opts.client().get("/v1/mounts"), "name",
                    "connection", "bucket", "prefix", "protocol", "read-only", "cache-size", "nfs-export",
                    "smb-share", "smb-encrypt");
            return 0;
        }
    }

    @Command(name = "show", mixinStandardHelpOptions = true, description = "Show one mount.")
    static final class Show implements Callable<Integer> {
        @Mixin AdminOptions opts;
        @CommandLine.Spec CommandLine.Model.CommandSpec spec;
        @Parameters(paramLabel = "NAME", description = "The mount.")
        String name;

        @Override
        public Integer call() {
            Printer.object(spec.commandLine().getOut(), opts.output,
                    opts.client().get("/v1/mounts/" + AdminClient.seg(name)));
            return 0;
        }
    }

    @Command(name = "delete", mixinStandardHelpOptions = true,
            description = {"Delete a mount: its export disappears, its dirty data is flushed to the bucket first",
                "(or the delete is refused with the reason and the mount keeps serving). Objects stay."})
    static final class Delete implements Callable<Integer> {
        @Mixin AdminOptions opts;
        @CommandLine.Spec CommandLine.Model.CommandSpec spec;
        @Parameters(paramLabel = "NAME", description = "The mount.")
        String name;

        @Override
        public Integer call() {
            Printer.object(spec.commandLine().getOut(), opts.output,
                    opts.client().delete("/v1/mounts/" + AdminClient.seg(name)));
            return 0;
        }
    }
}
