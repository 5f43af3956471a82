package io.bucketfs.backends;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/** The SPI's own rules: keys, metadata, ranges, payloads, bodies that end early. */
@Timeout(value = 10, unit = TimeUnit.SECONDS)
class SpiRulesTest {

    @Test
    void utf8OrderIsByteOrderNotUtf16Order() {
        String bmpHigh = "\uFF5E";            // U+FF5E: UTF-8 EF BD 9E
        String astral = "\uD83D\uDE00";       // U+1F600: UTF-8 F0 9F 98 80
        assertTrue(bmpHigh.compareTo(astral) > 0, "UTF-16 order puts the surrogate first");
        assertTrue(ObjectKeys.compareUtf8(bmpHigh, astral) < 0, "S3 order puts U+FF5E first");
        List<String> keys = new ArrayList<>(List.of("b", "a/", "a", "a-1", "a0", astral, bmpHigh, "A", ""));
        keys.sort(ObjectKeys.UTF8_ORDER);
        List<byte[]> asBytes = keys.stream().map(k -> k.getBytes(StandardCharsets.UTF_8)).toList();
        for (int i = 1; i < asBytes.size(); i++) {
            assertTrue(Arrays.compareUnsigned(asBytes.get(i - 1), asBytes.get(i)) < 0, keys.toString());
        }
    }

    @Test
    void keysAreValidated() {
        ObjectKeys.validate("a");
        ObjectKeys.validate("x".repeat(1024));
        ObjectKeys.validate("\u00e9".repeat(512)); // 1024 bytes
        assertThrows(IllegalArgumentException.class, () -> ObjectKeys.validate(""));
        assertThrows(IllegalArgumentException.class, () -> ObjectKeys.validate("\u00e9".repeat(513)));
        assertThrows(IllegalArgumentException.class, () -> ObjectKeys.validate("lone\uD800surrogate"));
        assertThrows(IllegalArgumentException.class, () -> ObjectKeys.validate("nul\0"));
    }

    @Test
    void metadataRulesNameTheKey() {
        UserMetadata.validate(Map.of("mode", "100644", "x-dos-attrs", "0x20", "mtime-ns", "1700000000000000000"));
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                () -> UserMetadata.validate(Map.of("Mode", "1")));
        assertTrue(e.getMessage().contains("'Mode'"), e.getMessage());
        assertThrows(IllegalArgumentException.class, () -> UserMetadata.validate(Map.of("9lives", "1")));
        assertThrows(IllegalArgumentException.class, () -> UserMetadata.validate(Map.of("under_score", "1")));
        assertThrows(IllegalArgumentException.class, () -> UserMetadata.validate(Map.of("k", " padded")));
        assertThrows(IllegalArgumentException.class, () -> UserMetadata.validate(Map.of("k", "line\nbreak")));
        assertThrows(IllegalArgumentException.class, () -> UserMetadata.validate(Map.of("k", "x".repeat(3000))));
    }

    @Test
    void rangesComputeTheirEnd() {
        assertEquals(9, ByteRange.of(0, 10).lastInclusive(100));
        assertEquals(99, ByteRange.of(90, 50).lastInclusive(100));
        assertEquals(99, ByteRange.from(5).lastInclusive(100));
        assertEquals(-1, ByteRange.of(100, 1).lastInclusive(100));
        assertEquals(-1, ByteRange.of(0, 0).lastInclusive(100));
        assertEquals(-1, ByteRange.from(0).lastInclusive(0));
        assertEquals("bytes=5-14", ByteRange.of(5, 10).toHttpHeader());
        assertEquals("bytes=5-", ByteRange.from(5).toHttpHeader());
        assertThrows(IllegalArgumentException.class, () -> ByteRange.of(-1, 1));
        assertThrows(IllegalArgumentException.class, () -> ByteRange.of(0, -2));
    }

    @Test
    void payloadsReadTheirBytesRepeatablyExceptStreams(@TempDir Path tmp) throws IOException {
        Path f = tmp.resolve("f");
        Files.write(f, "0123456789".getBytes(StandardCharsets.US_ASCII));
        Payload range = Payload.ofFile(f, 3, 4);
        for (int i = 0; i < 2; i++) {
            try (InputStream in = range.open()) {
                assertEquals("3456", new String(in.readAllBytes(), StandardCharsets.US_ASCII));
            }
        }
        assertTrue(range.repeatable());
        Payload once = Payload.ofStream(new ByteArrayInputStream(new byte[] {1, 2, 3}), 2);
        assertFalse(once.repeatable());
        try (InputStream in = once.open()) {
            assertArrayEquals(new byte[] {1, 2}, in.readAllBytes());
        }
        assertThrows(IOException.class, once::open);
    }

    @Test
    void aBodyThatEndsEarlyIsATransientFailureNotAShortRead() {
        ObjectInfo info = new ObjectInfo("k", 10, "e", null, null, Map.of());
        ObjectContent c = new ObjectContent(info, 0, 10, new ByteArrayInputStream(new byte[4]));
        ObjectStoreException e = assertThrows(ObjectStoreException.class, c::readAllBytes);
        assertEquals(ObjectStoreException.Kind.TRANSIENT, e.kind());

        InputStream failing = new InputStream() {
            @Override
            public int read() throws IOException {
                throw new IOException("connection reset");
            }
        };
        ObjectContent d = new ObjectContent(info, 0, 10, failing);
        ObjectStoreException f = assertThrows(ObjectStoreException.class, () -> d.stream().read());
        assertEquals(ObjectStoreException.Kind.TRANSIENT, f.kind());
    }

    @Test
    void optionsRefuseContradictions() {
        assertThrows(IllegalArgumentException.class, () -> PutOptions.NONE.withIfMatch("e").withCreateOnly());
        assertThrows(IllegalArgumentException.class, () -> new ListRequest("", null, null, 0));
        assertThrows(IllegalArgumentException.class, () -> new ListRequest("", null, null, 1001));
        assertThrows(IllegalArgumentException.class, () -> new ListRequest("", "", null, 10));
        assertThrows(IllegalArgumentException.class, () -> new CompletedPart(0, "e"));
        assertThrows(IllegalArgumentException.class, () -> new CompletedPart(10_001, "e"));
    }
}
