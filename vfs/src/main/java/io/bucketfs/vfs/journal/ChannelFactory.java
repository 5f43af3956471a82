package io.bucketfs.vfs.journal;

import java.io.IOException;
import java.nio.channels.FileChannel;
import java.nio.file.OpenOption;
import java.nio.file.Path;

/**
 * How the journal opens every file it writes (segments, snapshots, the directory for fsync). The default is
 * {@link FileChannel#open}; tests substitute channels that count {@code force} calls or fail on demand.
 */
@FunctionalInterface
interface ChannelFactory {
    ChannelFactory DEFAULT = FileChannel::open;

    FileChannel open(Path path, OpenOption... options) throws IOException;
}
