package io.bucketfs.backends.azure;

import io.bucketfs.backends.ObjectStore;
import io.bucketfs.backends.PutOptions;
import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.DataInputStream;
import java.io.DataOutputStream;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.security.SecureRandom;
import java.util.Arrays;
import java.util.Base64;
import java.util.HashMap;
import java.util.Map;
import java.util.Optional;
import java.util.zip.CRC32;

/**
 * A multipart upload on Azure, carried entirely in the SPI's upload id so that it survives a gateway restart
 * with no state of ours: Azure keeps the staged blocks of a blob (uncommitted, for up to seven days) and the id
 * carries what completion needs.
 *
 * <h2>Encoding (version {@value #VERSION})</h2>
 * base64url without padding of: version byte, {@value #RANDOM_BYTES} random bytes, CRC-32 of the key's UTF-8
 * (an id used with another key is unknown), flags (bit 0 createOnly, bit 1 ifMatch present, bit 2 content type
 * present), ifMatch and content type as modified UTF-8 when present, the metadata count and pairs, and a trailing
 * CRC-32 of everything before it. An id that does not decode is an unknown upload.
 *
 * <h2>Block ids</h2>
 * Part {@code n} is staged as the block whose id is the base64 of the random bytes followed by {@code n} as four
 * big-endian bytes: every id of every upload has the same length, as Azure requires of the blocks of one blob.
 * Part number 0 is the abort marker ({@link #abortBlockId()}).
 *
 * @param random      the upload's random id
 * @param keyCrc      CRC-32 of the key's UTF-8
 * @param options     metadata, content type and conditions to apply at completion
 */
record AzureUploadId(byte[] random, int keyCrc, PutOptions options) {

    static final int VERSION = 1;
    static final int RANDOM_BYTES = 16;
    private static final SecureRandom RANDOM = new SecureRandom();

    /** A new upload of {@code key} with {@code options}. */
    static AzureUploadId create(String key, PutOptions options) {
        byte[] r = new byte[RANDOM_BYTES];
        RANDOM.nextBytes(r);
        return new AzureUploadId(r, crc(key.getBytes(StandardCharsets.UTF_8)), options);
    }

    /** The upload id string. */
    String encode() {
        ByteArrayOutputStream bytes = new ByteArrayOutputStream();
        try (DataOutputStream out = new DataOutputStream(bytes)) {
            out.writeByte(VERSION);
            out.write(random);
            out.writeInt(keyCrc);
            int flags = (options.createOnly() ? 1 : 0) | (options.ifMatch() != null ? 2 : 0)
                    | (options.contentType() != null ? 4 : 0);
            out.writeByte(flags);
            if (options.ifMatch() != null) {
                out.writeUTF(options.ifMatch());
            }
            if (options.contentType() != null) {
                out.writeUTF(options.contentType());
            }
            out.writeShort(options.userMetadata().size());
            for (Map.Entry<String, String> e : options.userMetadata().entrySet()) {
                out.writeUTF(e.getKey());
                out.writeUTF(e.getValue());
            }
            out.flush();
            out.writeInt(crc(bytes.toByteArray()));
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        return Base64.getUrlEncoder().withoutPadding().encodeToString(bytes.toByteArray());
    }

    /** The upload {@code id} of {@code key}, or empty if it is not one this store made for that key. */
    static Optional<AzureUploadId> decode(String key, String id) {
        byte[] raw;
        try {
            raw = Base64.getUrlDecoder().decode(id);
        } catch (IllegalArgumentException e) {
            return Optional.empty();
        }
        if (raw.length < 1 + RANDOM_BYTES + 4 + 1 + 2 + 4 || raw[0] != VERSION) {
            return Optional.empty();
        }
        int body = raw.length - 4;
        if (ByteBuffer.wrap(raw, body, 4).getInt() != crc(Arrays.copyOf(raw, body))) {
            return Optional.empty();
        }
        try (DataInputStream in = new DataInputStream(new ByteArrayInputStream(raw, 1, body - 1))) {
            byte[] r = in.readNBytes(RANDOM_BYTES);
            int keyCrc = in.readInt();
            if (keyCrc != crc(key.getBytes(StandardCharsets.UTF_8))) {
                return Optional.empty();
            }
            int flags = in.readUnsignedByte();
            String ifMatch = (flags & 2) != 0 ? in.readUTF() : null;
            String type = (flags & 4) != 0 ? in.readUTF() : null;
            int n = in.readUnsignedShort();
            Map<String, String> meta = new HashMap<>();
            for (int i = 0; i < n; i++) {
                meta.put(in.readUTF(), in.readUTF());
            }
            if (in.available() != 0) {
                return Optional.empty();
            }
            return Optional.of(new AzureUploadId(r, keyCrc, new PutOptions(meta, type, ifMatch, (flags & 1) != 0)));
        } catch (IOException | IllegalArgumentException e) {
            return Optional.empty();
        }
    }

    /** The block id of part {@code partNumber} (1..{@value ObjectStore#MAX_PARTS}). */
    String blockId(int partNumber) {
        if (partNumber < 1 || partNumber > ObjectStore.MAX_PARTS) {
            throw new IllegalArgumentException("part number must be 1.." + ObjectStore.MAX_PARTS + ": " + partNumber);
        }
        return block(partNumber);
    }

    /** The block staged by an abort: completion of an upload that has it is refused as unknown. */
    String abortBlockId() {
        return block(0);
    }

    private String block(int n) {
        ByteBuffer b = ByteBuffer.allocate(RANDOM_BYTES + 4);
        b.put(random).putInt(n);
        return Base64.getEncoder().encodeToString(b.array());
    }

    private static int crc(byte[] bytes) {
        CRC32 c = new CRC32();
        c.update(bytes);
        return (int) c.getValue();
    }

    @Override
    public boolean equals(Object o) {
        return o instanceof AzureUploadId u && Arrays.equals(random, u.random) && keyCrc == u.keyCrc
                && options.equals(u.options);
    }

    @Override
    public int hashCode() {
        return Arrays.hashCode(random) * 31 + options.hashCode();
    }

    @Override
    public String toString() {
        return "AzureUploadId[" + Base64.getUrlEncoder().withoutPadding().encodeToString(random) + "]";
    }
}
