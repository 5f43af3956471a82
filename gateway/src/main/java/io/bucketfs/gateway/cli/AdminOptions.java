package io.bucketfs.gateway.cli;

import java.nio.file.Path;
import picocli.CommandLine.Option;

/** What every client command shares: which gateway (by its data directory) and the output format. */
final class AdminOptions {

    /** The output formats. */
    enum Format { table, json }

    @Option(names = "--data-dir", paramLabel = "DIR",
            description = "The data directory of the running gateway (default: $BUCKETFS_DATA_DIR, else "
                    + "./bucketfs-data); its admin port and token are read from there.")
    Path dataDir;

    @Option(names = {"-o", "--output"}, paramLabel = "FORMAT",
            description = "table (default) or json.")
    Format output = Format.table;

    AdminClient client() {
        return AdminClient.of(dataDir != null ? dataDir : ServeCommand.defaultDataDir());
    }
}
