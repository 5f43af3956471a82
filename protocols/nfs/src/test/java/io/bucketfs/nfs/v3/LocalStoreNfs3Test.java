package io.bucketfs.nfs.v3;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.bucketfs.backends.ObjectStore;
import io.bucketfs.backends.local.LocalDirectoryStore;
import io.bucketfs.nfs.v3.proc.Readdirplus3;
import java.nio.file.Files;
import java.util.HashSet;
import java.util.Set;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/** NFSv3 end to end over the embedded local-directory store. */
class LocalStoreNfs3Test extends Nfs3EndToEndTest {

    /**
     * Entries of the streamed directory: 25,000 (about 60 READDIRPLUS pages) in CI; {@code -Dbucketfs.nfs3.hugeDir=N}
     * changes it (100,000 is the long mode). Putting the objects, one fsync each, is most of the test's time.
     */
    static final int HUGE = Integer.getInteger("bucketfs.nfs3.hugeDir", 25_000);

    @Override
    protected ObjectStore openStore() throws Exception {
        return LocalDirectoryStore.create(Files.createTempDirectory(tmp, "bucket"));
    }

    @Test
    @Timeout(value = 900, unit = TimeUnit.SECONDS)
    void readdirplusStreamsAHugeDirectoryPageByPage() throws Exception {
        long t0 = System.nanoTime();
        Set<String> want = populate("huge/", HUGE);
        long t1 = System.nanoTime();
        try (Nfs3Client c = new Nfs3Client(server.port())) {
            byte[] dir = c.lookup(c.root("/" + Nfs3TestServer.EXPORT), "huge").object;
            Set<String> seen = new HashSet<>();
            long cookie = 0;
            long verf = 0;
            int pages = 0;
            boolean eof = false;
            while (!eof) {
                Readdirplus3.Res r = c.readdirplus(dir, cookie, verf, 16 << 10, 64 << 10);
                assertEquals(0, r.status, "page " + pages + " after " + seen.size() + " entries");
                for (Readdirplus3.EntryPlus3 e : r.entries) {
                    assertTrue(seen.add(e.name()), "twice: " + e.name());
                    cookie = e.cookie();
                }
                verf = r.verf;
                eof = r.eof;
                pages++;
            }
            seen.remove(".");
            seen.remove("..");
            assertEquals(want, seen);
            assertTrue(pages > HUGE / 1000, "pages: " + pages);
            System.out.printf("%d objects put in %d ms, listed in %d READDIRPLUS pages in %d ms%n", HUGE,
                    (t1 - t0) / 1_000_000, pages, (System.nanoTime() - t1) / 1_000_000);
        }
    }
}
