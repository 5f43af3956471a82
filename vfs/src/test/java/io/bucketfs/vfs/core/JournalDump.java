package io.bucketfs.vfs.core;

import io.bucketfs.vfs.journal.Journal;
import io.bucketfs.vfs.journal.JournalSettings;
import io.bucketfs.vfs.journal.Replay;
import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Path;

/**
 * A debugging aid for crash-test failures: prints the records of a mount's journal after its newest snapshot.
 * Run on a copy (opening a journal cuts a torn tail): {@code java -cp … io.bucketfs.vfs.core.JournalDump DIR}.
 */
public final class JournalDump {

    private JournalDump() {
    }

    public static void main(String[] args) throws IOException {
        Journal j = Journal.open(Path.of(args[0]), JournalSettings.defaults(), new Replay() {
            @Override
            public void restore(long snapshotLsn, InputStream state) {
                System.out.println("snapshot @" + snapshotLsn);
            }

            @Override
            public void apply(long lsn, byte[] payload) throws IOException {
                System.out.println(lsn + " " + NsRecord.decode(payload));
            }
        });
        j.close();
    }
}
