package io.bucketfs.tests.crash;

import java.nio.ByteBuffer;
import java.util.Arrays;
import java.util.SplittableRandom;
import java.util.zip.CRC32;

/**
 * Self-describing file content for the crash test: a version of a file is {@code blocks} blocks of {@value #BLOCK}
 * bytes, and every block says which file (a logical id kept across renames), which version, which block of how many
 * it is, followed by bytes derived from those and a CRC32 over the rest. So any block read back can be told to be
 * a whole block of one version at its own place, all zeros (a hole), or neither (torn, foreign, misplaced) — which
 * is what makes a file of mixed versions detectable.
 */
final class CrashContent {

    /** The block size: the unit of every version and of what a crash may leave half applied. */
    static final int BLOCK = 4096;

    private static final int MAGIC = 0x42465343; // "BFSC"
    private static final int HEADER = 24;

    private CrashContent() {
    }

    /** The identity of a version: file id, version number, size in blocks. */
    record Version(long fileId, int version, int blocks) {

        long size() {
            return (long) blocks * BLOCK;
        }

        /** Block {@code index} of this version. */
        byte[] block(int index) {
            ByteBuffer b = ByteBuffer.allocate(BLOCK);
            b.putInt(MAGIC).putLong(fileId).putInt(version).putInt(index).putInt(blocks);
            SplittableRandom r = new SplittableRandom(fileId * 31 + version * 1_000_003L + index);
            byte[] fill = new byte[BLOCK - HEADER - 4];
            for (int k = 0; k < fill.length; k += 8) {
                long v = r.nextLong();
                for (int j = 0; j < 8 && k + j < fill.length; j++) {
                    fill[k + j] = (byte) (v >>> (8 * j));
                }
            }
            b.put(fill);
            CRC32 crc = new CRC32();
            crc.update(b.array(), 0, BLOCK - 4);
            b.putInt((int) crc.getValue());
            return b.array();
        }

        /** The whole content. */
        byte[] bytes() {
            byte[] out = new byte[blocks * BLOCK];
            for (int i = 0; i < blocks; i++) {
                System.arraycopy(block(i), 0, out, i * BLOCK, BLOCK);
            }
            return out;
        }

        @Override
        public String toString() {
            return "file " + fileId + " v" + version + " (" + blocks + " blocks)";
        }
    }

    /** Whether {@code bytes} is exactly {@code v}. */
    static boolean isExactly(byte[] bytes, Version v) {
        return Arrays.equals(bytes, v.bytes());
    }

    /**
     * Null if {@code bytes} is {@code v} written partly: a whole number of blocks, at most {@code v}'s, each either
     * {@code v}'s block at that place or all zeros; else what is wrong.
     */
    static String partialOf(byte[] bytes, Version v) {
        if (bytes.length % BLOCK != 0 || bytes.length > v.size()) {
            return "size " + bytes.length + " is not a whole number of blocks up to " + v.size();
        }
        for (int i = 0; i < bytes.length / BLOCK; i++) {
            byte[] b = Arrays.copyOfRange(bytes, i * BLOCK, (i + 1) * BLOCK);
            if (!Arrays.equals(b, v.block(i)) && !isZero(b)) {
                return "block " + i + " is " + describe(b) + ", neither " + v + "'s block nor zeros";
            }
        }
        return null;
    }

    /** What the blocks of {@code bytes} are, compactly (for failure messages). */
    static String describeAll(byte[] bytes) {
        StringBuilder sb = new StringBuilder(bytes.length + " bytes:");
        for (int i = 0; i * BLOCK < bytes.length; i++) {
            byte[] b = Arrays.copyOfRange(bytes, i * BLOCK, Math.min(bytes.length, (i + 1) * BLOCK));
            sb.append(' ').append(i).append('=').append(describe(b));
        }
        return sb.toString();
    }

    private static String describe(byte[] b) {
        if (isZero(b)) {
            return "zeros";
        }
        if (b.length != BLOCK) {
            return "short(" + b.length + ")";
        }
        ByteBuffer h = ByteBuffer.wrap(b);
        if (h.getInt() != MAGIC) {
            return "garbage";
        }
        long fileId = h.getLong();
        int version = h.getInt();
        int index = h.getInt();
        int blocks = h.getInt();
        Version v = new Version(fileId, version, blocks);
        boolean intact = index >= 0 && index < blocks && Arrays.equals(b, v.block(index));
        return (intact ? "" : "TORN:") + "f" + fileId + "v" + version + "#" + index + "/" + blocks;
    }

    private static boolean isZero(byte[] b) {
        for (byte x : b) {
            if (x != 0) {
                return false;
            }
        }
        return true;
    }
}
