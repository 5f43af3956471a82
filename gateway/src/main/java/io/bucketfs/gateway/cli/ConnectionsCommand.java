package io.bucketfs.gateway.cli;

import com.fasterxml.jackson.databind.JsonNode;
import io.bucketfs.gateway.control.Requests;
import java.util.Map;
import java.util.concurrent.Callable;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

/** {@code bucketfs connections …}: the buckets the gateway can mount, with their credentials (sealed in the vault). */
@Command(name = "connections", mixinStandardHelpOptions = true,
        description = "Create, list, show, delete and test connections to buckets.",
        subcommands = {ConnectionsCommand.Create.class, ConnectionsCommand.List.class, ConnectionsCommand.Show.class,
            ConnectionsCommand.Delete.class, ConnectionsCommand.Test.class})
public final class ConnectionsCommand implements Runnable {

    @CommandLine.Spec
    CommandLine.Model.CommandSpec spec;

    @Override
    public void run() {
        spec.commandLine().usage(spec.commandLine().getOut());
    }

    @Command(name = "create", mixinStandardHelpOptions = true,
            description = {"Create a connection after checking that its credentials can list the bucket.",
                "Secrets are sealed in the gateway's vault and never shown again. Read-only unless --read-write."})
    static final class Create implements Callable<Integer> {
        @Mixin AdminOptions opts;
        @CommandLine.Spec CommandLine.Model.CommandSpec spec;

        @Option(names = "--name", required = true, paramLabel = "NAME", description = "The connection's name.")
        String name;
        @Option(names = "--provider", required = true, paramLabel = "PROVIDER",
                description = "aws-s3, gcs, r2, b2, azure, minio, wasabi or s3-compatible.")
        String provider;
        @Option(names = "--bucket", required = true, paramLabel = "BUCKET",
                description = "The bucket (the container for azure).")
        String bucket;
        @Option(names = "--region", paramLabel = "REGION", description = "The region (default: the provider's).")
        String region;
        @Option(names = "--endpoint", paramLabel = "URL",
                description = "An explicit endpoint (required for minio and s3-compatible).")
        String endpoint;
        @Option(names = "--path-style", paramLabel = "BOOL", arity = "1",
                description = "Path-style addressing (default: the provider's).")
        Boolean pathStyle;
        @Option(names = "--access-key", paramLabel = "ID", description = "S3 access key id (GCS: HMAC key id).")
        String accessKey;
        @Option(names = "--secret-key", paramLabel = "SECRET",
                description = "S3 secret access key; '-' reads it from the first line of stdin (kept out of ps).")
        String secretKey;
        @Option(names = "--role-arn", paramLabel = "ARN", description = "An IAM role to assume with STS.")
        String roleArn;
        @Option(names = "--external-id", paramLabel = "ID", description = "The external id the role requires.")
        String externalId;
        @Option(names = "--account-name", paramLabel = "NAME",
                description = "Azure storage account (R2: the account id).")
        String accountName;
        @Option(names = "--account-key", paramLabel = "KEY", description = "Azure shared key ('-': from stdin).")
        String accountKey;
        @Option(names = "--sas", paramLabel = "TOKEN",
                description = "Azure SAS token, instead of --account-key ('-': from stdin).")
        String sas;
        @Option(names = "--read-write", description = "Allow mounts of it to write (default: read-only).")
        boolean readWrite;

        @Override
        public Integer call() {
            AdminClient client = opts.client();
            int fromStdin = ("-".equals(secretKey) ? 1 : 0) + ("-".equals(accountKey) ? 1 : 0)
                    + ("-".equals(sas) ? 1 : 0);
            if (fromStdin > 1) {
                throw new CliException("secret-key: only one secret can be read from stdin");
            }
            if (fromStdin == 1) {
                String line = stdinLine();
                secretKey = "-".equals(secretKey) ? line : secretKey;
                accountKey = "-".equals(accountKey) ? line : accountKey;
                sas = "-".equals(sas) ? line : sas;
            }
            JsonNode c = client.post("/v1/connections", new Requests.Connection(name, provider, bucket,
                    region, endpoint, pathStyle, accessKey, secretKey, roleArn, externalId, accountName, accountKey,
                    sas, readWrite));
            Printer.object(spec.commandLine().getOut(), opts.output, c);
            return 0;
        }
    }

    private static String stdinLine() {
        try {
            String line = new java.io.BufferedReader(new java.io.InputStreamReader(System.in,
                    java.nio.charset.StandardCharsets.UTF_8)).readLine();
            if (line == null || line.isBlank()) {
                throw new CliException("secret-key: nothing on stdin");
            }
            return line.strip();
        } catch (java.io.IOException e) {
            throw new CliException("secret-key: cannot read stdin: " + e.getMessage());
        }
    }

    @Command(name = "list", mixinStandardHelpOptions = true, description = "List the connections (no secrets).")
    static final class List implements Callable<Integer> {
        @Mixin AdminOptions opts;
        @CommandLine.Spec CommandLine.Model.CommandSpec spec;

        @Override
        public Integer call() {
            Printer.list(spec.commandLine().getOut(), opts.output, opts.client().get("/v1/connections"),
                    "name", "provider", "bucket", "region", "endpoint", "access", "mounts");
            return 0;
        }
    }

    @Command(name = "show", mixinStandardHelpOptions = true, description = "Show one connection (no secrets).")
    static final class Show implements Callable<Integer> {
        @Mixin AdminOptions opts;
        @CommandLine.Spec CommandLine.Model.CommandSpec spec;
        @Parameters(paramLabel = "NAME", description = "The connection.")
        String name;

        @Override
        public Integer call() {
            Printer.object(spec.commandLine().getOut(), opts.output,
                    opts.client().get("/v1/connections/" + AdminClient.seg(name)));
            return 0;
        }
    }

    @Command(name = "delete", mixinStandardHelpOptions = true,
            description = "Delete a connection no mount uses (the bucket is not touched).")
    static final class Delete implements Callable<Integer> {
        @Mixin AdminOptions opts;
        @CommandLine.Spec CommandLine.Model.CommandSpec spec;
        @Parameters(paramLabel = "NAME", description = "The connection.")
        String name;

        @Override
        public Integer call() {
            Printer.object(spec.commandLine().getOut(), opts.output,
                    opts.client().delete("/v1/connections/" + AdminClient.seg(name)));
            return 0;
        }
    }

    @Command(name = "test", mixinStandardHelpOptions = true,
            description = {"Check what the connection's credentials allow: list and head; with --read-write also",
                "a put and delete of a probe object (.bucketfs-probe-*). Exit code 1 if a check was refused."})
    static final class Test implements Callable<Integer> {
        @Mixin AdminOptions opts;
        @CommandLine.Spec CommandLine.Model.CommandSpec spec;
        @Parameters(paramLabel = "NAME", description = "The connection.")
        String name;
        @Option(names = "--read-write", description = "Also check writes (read-write connections only).")
        boolean readWrite;

        @Override
        public Integer call() {
            JsonNode r = opts.client().post("/v1/connections/" + AdminClient.seg(name) + "/test",
                    Map.of("read-write", readWrite));
            var out = spec.commandLine().getOut();
            if (opts.output == AdminOptions.Format.json) {
                Printer.json(out, r);
            } else {
                Printer.list(out, opts.output, r.get("checks"), "op", "allowed", "detail");
                out.println("allows: " + r.path("allows").asText());
                out.flush();
            }
            return r.path("ok").asBoolean() ? 0 : 1;
        }
    }
}
