package io.bucketfs.backends.azure;

import java.util.HashMap;
import java.util.Locale;
import java.util.Map;

/**
 * Maps user metadata names between the SPI and Azure. SPI names are {@code [a-z0-9-]} starting with a letter
 * (see {@link io.bucketfs.backends.UserMetadata}); Azure names must be C# identifiers, so {@code -} is written as
 * {@code _} and every {@code _} read back becomes {@code -}. Azure keeps the case of names but compares them
 * case-insensitively; names read back are lower-cased like S3's.
 */
final class AzureMetadata {

    private AzureMetadata() {
    }

    /** The Azure form of validated SPI metadata. */
    static Map<String, String> toAzure(Map<String, String> metadata) {
        Map<String, String> out = new HashMap<>();
        if (metadata != null) {
            metadata.forEach((k, v) -> out.put(toAzureName(k), v));
        }
        return out;
    }

    /** The SPI form of metadata read from Azure ({@code null} reads as empty). */
    static Map<String, String> fromAzure(Map<String, String> metadata) {
        Map<String, String> out = new HashMap<>();
        if (metadata != null) {
            metadata.forEach((k, v) -> out.put(fromAzureName(k), v == null ? "" : v));
        }
        return out;
    }

    static String toAzureName(String name) {
        return name.replace('-', '_');
    }

    static String fromAzureName(String name) {
        return name.toLowerCase(Locale.ROOT).replace('_', '-');
    }
}
