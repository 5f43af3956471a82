package io.bucketfs.backends.azure;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.bucketfs.backends.PutOptions;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/** Metadata names, blob names and upload ids: the Azure store's pure mappings. */
@Timeout(10)
class AzureNamingTest {

    @Test
    void metadataDashesBecomeUnderscoresAndBack() {
        Map<String, String> spi = Map.of("x-dos-attrs", "0x20", "mode", "100644", "a-b-c", "v");
        Map<String, String> azure = AzureMetadata.toAzure(spi);
        assertEquals(Map.of("x_dos_attrs", "0x20", "mode", "100644", "a_b_c", "v"), azure);
        assertEquals(spi, AzureMetadata.fromAzure(azure));
        assertEquals(Map.of("written-elsewhere", "1"), AzureMetadata.fromAzure(Map.of("Written_Elsewhere", "1")));
        assertEquals(Map.of(), AzureMetadata.fromAzure(null));
    }

    @Test
    void blobNamesAreKeysExceptForBackslashAndItsEscapes() {
        String plain = "dir/sp ace+%#?é漢😀/";
        assertSame(plain, AzureNames.toBlob(plain));
        assertEquals("back\uFF3Cslash", AzureNames.toBlob("back\\slash"));
        List<String> keys = List.of("a\\b", "a\uFF3Cb", "a\u201B\uFF3Cb", "a\u201Bb", "\u201B", "\\\\", "\uFF3C\uFF3C",
                "a\u201B\\", "\u201B\u201B", "x/y");
        Set<String> names = new HashSet<>();
        for (String k : keys) {
            String name = AzureNames.toBlob(k);
            assertTrue(name.indexOf('\\') < 0, name);
            assertEquals(k, AzureNames.toKey(name), "round trip of " + k);
            assertTrue(names.add(name), "one-to-one: " + k);
        }
    }

    @Test
    void uploadIdsCarryWhatCompletionNeeds() {
        PutOptions o = new PutOptions(Map.of("mode", "100644", "x-y", "z"), "text/plain", "0x8D1", false);
        AzureUploadId id = AzureUploadId.create("k/ey", o);
        String encoded = id.encode();
        assertTrue(encoded.matches("[A-Za-z0-9_-]+"), encoded);
        Optional<AzureUploadId> back = AzureUploadId.decode("k/ey", encoded);
        assertEquals(Optional.of(id), back);
        assertEquals(o, back.get().options());
        AzureUploadId createOnly = AzureUploadId.create("k", PutOptions.NONE.withCreateOnly());
        assertEquals(PutOptions.NONE.withCreateOnly(),
                AzureUploadId.decode("k", createOnly.encode()).orElseThrow().options());
    }

    @Test
    void foreignDamagedOrOtherKeysUploadIdsAreUnknown() {
        String good = AzureUploadId.create("k", PutOptions.NONE).encode();
        assertEquals(Optional.empty(), AzureUploadId.decode("other", good));
        assertEquals(Optional.empty(), AzureUploadId.decode("k", "not an id"));
        assertEquals(Optional.empty(), AzureUploadId.decode("k", ""));
        assertEquals(Optional.empty(), AzureUploadId.decode("k", "AAAA"));
        char[] c = good.toCharArray();
        c[10] = c[10] == 'A' ? 'B' : 'A';
        assertEquals(Optional.empty(), AzureUploadId.decode("k", new String(c)));
    }

    @Test
    void blockIdsHaveOneLengthAndDifferPerUploadAndPart() {
        AzureUploadId a = AzureUploadId.create("k", PutOptions.NONE);
        AzureUploadId b = AzureUploadId.create("k", PutOptions.NONE);
        int len = a.blockId(1).length();
        Set<String> ids = new HashSet<>();
        for (int n : new int[] {1, 2, 255, 256, 9_999, 10_000}) {
            assertEquals(len, a.blockId(n).length());
            assertTrue(ids.add(a.blockId(n)));
            assertNotEquals(a.blockId(n), b.blockId(n));
        }
        assertEquals(len, a.abortBlockId().length());
        assertTrue(ids.add(a.abortBlockId()));
        assertEquals(a.blockId(7), AzureUploadId.decode("k", a.encode()).orElseThrow().blockId(7));
    }
}
