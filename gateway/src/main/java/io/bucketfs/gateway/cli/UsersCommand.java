package io.bucketfs.gateway.cli;

import io.bucketfs.gateway.control.Requests;
import io.bucketfs.smb.ntlm.NtlmCrypto;
import java.io.BufferedReader;
import java.io.Console;
import java.io.IOException;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;
import java.util.Arrays;
import java.util.HexFormat;
import java.util.concurrent.Callable;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

/**
 * {@code bucketfs users …}: SMB users. The password is hashed here (NT hash, what NTLMv2 needs) and only the
 * hash travels to the gateway, which seals it in the vault: no plaintext password is stored or sent anywhere.
 */
@Command(name = "users", mixinStandardHelpOptions = true,
        description = "Add, list, delete SMB users and change their passwords.",
        subcommands = {UsersCommand.Add.class, UsersCommand.List.class, UsersCommand.Delete.class,
            UsersCommand.Passwd.class})
public final class UsersCommand implements Runnable {

    /** The longest password accepted. */
    static final int MAX_PASSWORD = 256;

    @CommandLine.Spec
    CommandLine.Model.CommandSpec spec;

    @Override
    public void run() {
        spec.commandLine().usage(spec.commandLine().getOut());
    }

    /** The NT hash (hex) of a password read from stdin's first line or asked twice on the terminal. */
    static String ntHashOfPassword(boolean fromStdin, String user) {
        char[] pw;
        if (fromStdin) {
            try {
                String line = new BufferedReader(new InputStreamReader(System.in, StandardCharsets.UTF_8)).readLine();
                pw = line == null ? new char[0] : line.toCharArray();
            } catch (IOException e) {
                throw new CliException("password-stdin: " + e.getMessage());
            }
        } else {
            Console c = System.console();
            if (c == null) {
                throw new CliException("password: no terminal to ask on; use --password-stdin");
            }
            pw = c.readPassword("New SMB password for %s: ", user);
            char[] again = c.readPassword("Again: ");
            boolean same = pw != null && Arrays.equals(pw, again);
            if (again != null) {
                Arrays.fill(again, '\0');
            }
            if (!same) {
                throw new CliException("password: the two entries differ");
            }
        }
        try {
            if (pw.length == 0) {
                throw new CliException("password: must not be empty");
            }
            if (pw.length > MAX_PASSWORD) {
                throw new CliException("password: longer than " + MAX_PASSWORD + " characters");
            }
            byte[] h = NtlmCrypto.ntHash(pw);
            try {
                return HexFormat.of().formatHex(h);
            } finally {
                Arrays.fill(h, (byte) 0);
            }
        } finally {
            Arrays.fill(pw, '\0');
        }
    }

    @Command(name = "add", mixinStandardHelpOptions = true,
            description = "Add an SMB user; the password is asked on the terminal or read from stdin.")
    static final class Add implements Callable<Integer> {
        @Mixin AdminOptions opts;
        @CommandLine.Spec CommandLine.Model.CommandSpec spec;
        @Parameters(paramLabel = "NAME", description = "The account name (1-20 of A-Z a-z 0-9 . _ -).")
        String name;
        @Option(names = "--password-stdin", description = "Read the password from the first line of stdin.")
        boolean stdin;

        @Override
        public Integer call() {
            AdminClient client = opts.client(); // no password is asked for a gateway that is not there
            Printer.object(spec.commandLine().getOut(), opts.output,
                    client.post("/v1/users", new Requests.User(name, ntHashOfPassword(stdin, name))));
            return 0;
        }
    }

    @Command(name = "passwd", mixinStandardHelpOptions = true, description = "Change an SMB user's password.")
    static final class Passwd implements Callable<Integer> {
        @Mixin AdminOptions opts;
        @CommandLine.Spec CommandLine.Model.CommandSpec spec;
        @Parameters(paramLabel = "NAME", description = "The user.")
        String name;
        @Option(names = "--password-stdin", description = "Read the password from the first line of stdin.")
        boolean stdin;

        @Override
        public Integer call() {
            AdminClient client = opts.client();
            Printer.object(spec.commandLine().getOut(), opts.output, client.put("/v1/users/"
                    + AdminClient.seg(name) + "/password", new Requests.User(null, ntHashOfPassword(stdin, name))));
            return 0;
        }
    }

    @Command(name = "list", mixinStandardHelpOptions = true, description = {"List the SMB users. The generated "
        + "account bucketfs admits logons only while no user is configured."})
    static final class List implements Callable<Integer> {
        @Mixin AdminOptions opts;
        @CommandLine.Spec CommandLine.Model.CommandSpec spec;

        @Override
        public Integer call() {
            Printer.list(spec.commandLine().getOut(), opts.output, opts.client().get("/v1/users"), "name", "created",
                    "logon");
            return 0;
        }
    }

    @Command(name = "delete", mixinStandardHelpOptions = true, description = "Delete an SMB user.")
    static final class Delete implements Callable<Integer> {
        @Mixin AdminOptions opts;
        @CommandLine.Spec CommandLine.Model.CommandSpec spec;
        @Parameters(paramLabel = "NAME", description = "The user.")
        String name;

        @Override
        public Integer call() {
            Printer.object(spec.commandLine().getOut(), opts.output,
                    opts.client().delete("/v1/users/" + AdminClient.seg(name)));
            return 0;
        }
    }
}
