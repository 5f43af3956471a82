package io.bucketfs.gateway;

import io.bucketfs.gateway.cli.BucketfsCommand;

/** Entry point of the {@code bucketfs} command (the gateway daemon and its CLI). */
public final class Main {

    private Main() {
    }

    public static void main(String[] args) {
        System.exit(BucketfsCommand.run(args, System.out, System.err));
    }
}
