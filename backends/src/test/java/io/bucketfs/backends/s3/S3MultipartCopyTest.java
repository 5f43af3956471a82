package io.bucketfs.backends.s3;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.bucketfs.backends.ObjectStore;
import io.bucketfs.backends.ObjectStoreException;
import io.bucketfs.backends.ObjectStoreException.Kind;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/** The part plan and settings of {@link S3MultipartCopy}, without a server. */
@Timeout(value = 10, unit = TimeUnit.SECONDS)
class S3MultipartCopyTest {

    private static final long MIB = 1024 * 1024;
    private static final long GIB = 1024 * MIB;
    private static final long TIB = 1024 * GIB;

    @Test
    void configuredPartSizeWhileTheCountStaysWithinTheLimit() throws Exception {
        assertEquals(512 * MIB, S3MultipartCopy.partSize(6 * GIB, 512 * MIB));
        assertEquals(512 * MIB, S3MultipartCopy.partSize(10_000 * 512 * MIB, 512 * MIB));
        assertEquals(5 * MIB, S3MultipartCopy.partSize(20 * MIB + 1, 5 * MIB));
    }

    @Test
    void partsGrowInWholeMebibytesForHugeSources() throws Exception {
        long[] sizes = {10_000 * 512 * MIB + 1, 5 * TIB, 48 * TIB, 10_000 * S3MultipartCopy.S3_COPY_LIMIT};
        for (long size : sizes) {
            long part = S3MultipartCopy.partSize(size, 512 * MIB);
            long count = (size + part - 1) / part;
            assertTrue(count <= ObjectStore.MAX_PARTS, size + " -> " + count + " parts of " + part);
            assertEquals(0, part % MIB, "whole MiB");
            assertTrue(part >= 512 * MIB && part <= S3MultipartCopy.S3_COPY_LIMIT, String.valueOf(part));
            long smaller = part - MIB;
            assertTrue((size + smaller - 1) / smaller > ObjectStore.MAX_PARTS, "no larger than needed: " + part);
        }
        assertEquals(525 * MIB, S3MultipartCopy.partSize(5 * TIB, 512 * MIB));
    }

    @Test
    void aSourceBeyondTenThousandLargestPartsIsPermanent() {
        ObjectStoreException e = assertThrows(ObjectStoreException.class,
                () -> S3MultipartCopy.partSize(10_000 * S3MultipartCopy.S3_COPY_LIMIT + 1, 512 * MIB));
        assertEquals(Kind.PERMANENT, e.kind());
    }

    @Test
    void settingsAreChecked() {
        S3MultipartCopy.Settings d = S3MultipartCopy.Settings.DEFAULT;
        assertEquals(5 * GIB, d.threshold());
        assertEquals(512 * MIB, d.partSize());
        assertEquals(4, d.parallelism());
        assertThrows(IllegalArgumentException.class, () -> new S3MultipartCopy.Settings(5 * GIB + 1, 5 * MIB, 4));
        assertThrows(IllegalArgumentException.class, () -> new S3MultipartCopy.Settings(-1, 5 * MIB, 4));
        assertThrows(IllegalArgumentException.class,
                () -> new S3MultipartCopy.Settings(GIB, ObjectStore.MIN_PART_SIZE - 1, 4));
        assertThrows(IllegalArgumentException.class, () -> new S3MultipartCopy.Settings(GIB, 6 * GIB, 4));
        assertThrows(IllegalArgumentException.class, () -> new S3MultipartCopy.Settings(GIB, 5 * MIB, 0));
    }
}
