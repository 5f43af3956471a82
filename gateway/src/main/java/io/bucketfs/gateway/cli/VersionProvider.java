package io.bucketfs.gateway.cli;

import picocli.CommandLine;

/** The version from the jar manifest (or "dev" when run from classes). */
final class VersionProvider implements CommandLine.IVersionProvider {

    @Override
    public String[] getVersion() {
        String v = VersionProvider.class.getPackage().getImplementationVersion();
        return new String[] {"bucketfs " + (v == null ? "dev" : v) + " (Java " + Runtime.version() + ")"};
    }
}
