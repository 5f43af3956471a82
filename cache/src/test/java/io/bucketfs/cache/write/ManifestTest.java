package io.bucketfs.cache.write;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

class ManifestTest {

    @TempDir
    Path dir;

    private static Manifest sample() {
        return new Manifest("id-1", "store", "k\u00e9y/with\nnewline", WriteCondition.ifMatch("etag\"1"), "k",
                Base.of("etag\"1", 100), 90, 120, 3, 2, true, "text/plain", Map.of("mode", "100644"),
                List.of(new long[] {0, 10}, new long[] {50, 120}), "k", "upload-1");
    }

    @Test
    @Timeout(10)
    void roundTripsThroughTheDirectory() throws IOException {
        Manifest m = sample();
        m.write(dir);
        Manifest r = Manifest.read(Manifest.path(dir, "id-1"));
        assertEquals(m.key(), r.key());
        assertEquals(m.condition(), r.condition());
        assertEquals(m.base(), r.base());
        assertEquals(m.metadata(), r.metadata());
        assertEquals(3, r.committedGen());
        assertEquals(2, r.uploadedGen());
        assertEquals("upload-1", r.multipartUploadId());
        assertArrayEquals(new long[] {50, 120}, r.extents().get(1));
        assertEquals(List.of(Manifest.path(dir, "id-1")), Files.list(dir).toList());
    }

    @Test
    @Timeout(10)
    void aFlippedBitIsDetected() throws IOException {
        byte[] data = sample().encode();
        data[20] ^= 1;
        assertThrows(IOException.class, () -> Manifest.decode(data));
    }
}
