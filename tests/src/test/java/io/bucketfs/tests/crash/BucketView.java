package io.bucketfs.tests.crash;

import io.bucketfs.backends.BackendSettings;
import io.bucketfs.backends.ConnectionSpec;
import io.bucketfs.backends.GetOptions;
import io.bucketfs.backends.ListPage;
import io.bucketfs.backends.ListRequest;
import io.bucketfs.backends.ObjectContent;
import io.bucketfs.backends.ObjectStore;
import io.bucketfs.backends.ObjectStores;
import io.bucketfs.backends.ObjectSummary;
import io.bucketfs.backends.Provider;
import io.bucketfs.backends.s3.S3ProxyServer;
import java.io.IOException;
import java.util.Arrays;
import java.util.Map;
import java.util.TreeMap;

/**
 * The crash test's look into the bucket itself (S3Proxy, through the project's S3 store): the objects under a
 * directory's prefix, to be compared with what the protocols show once the gateway's uploads and bucket renames
 * have drained.
 */
final class BucketView implements AutoCloseable {

    private final ObjectStore store;

    BucketView(String endpoint, String bucket) throws IOException {
        store = ObjectStores.open(ConnectionSpec.of(Provider.S3_COMPATIBLE, bucket).withEndpoint(endpoint)
                .withRegion(S3ProxyServer.REGION).withPathStyle(true)
                .withKeys(S3ProxyServer.IDENTITY, S3ProxyServer.SECRET), BackendSettings.DEFAULT);
    }

    /** Keys below {@code dir + "/"} (the directory's own marker left out), name → size. */
    TreeMap<String, Long> list(String dir) throws IOException {
        TreeMap<String, Long> out = new TreeMap<>();
        ListRequest rq = ListRequest.flat(dir + "/");
        while (true) {
            ListPage page = store.list(rq);
            for (ObjectSummary o : page.objects()) {
                String name = o.key().substring(dir.length() + 1);
                if (!name.isEmpty()) {
                    out.put(name, o.size());
                }
            }
            if (page.isLast()) {
                return out;
            }
            rq = rq.withContinuationToken(page.nextContinuationToken());
        }
    }

    /**
     * Null if the bucket holds exactly {@code files} under {@code dir/} (same names, same bytes), else the first
     * difference.
     */
    String difference(String dir, Map<String, byte[]> files) throws IOException {
        TreeMap<String, Long> keys = list(dir);
        if (!keys.keySet().equals(files.keySet())) {
            return "bucket has " + keys.keySet() + " under " + dir + "/, the namespace " + files.keySet();
        }
        for (Map.Entry<String, byte[]> e : files.entrySet()) {
            byte[] got;
            try (ObjectContent c = store.get(dir + "/" + e.getKey(), GetOptions.NONE)) {
                got = c.readAllBytes();
            }
            if (!Arrays.equals(got, e.getValue())) {
                return "object " + dir + "/" + e.getKey() + " is " + CrashContent.describeAll(got)
                        + ", the file " + CrashContent.describeAll(e.getValue());
            }
        }
        return null;
    }

    @Override
    public void close() {
        store.close();
    }
}
