package io.bucketfs.testing;

import java.lang.management.ManagementFactory;
import java.util.List;

/**
 * The oracle of the protocol decoders' fuzz targets (README "Hostile input"): a decoder fed any bytes either
 * returns or throws one of its layer's documented decode errors, and allocates no more than a fixed allowance plus
 * a multiple of the input's length (so a length field read off the wire never becomes an allocation of its own
 * size). Anything else is an {@link AssertionError}, which Jazzer reports as a finding with the input.
 *
 * <p>Allocation is the calling thread's, from {@code com.sun.management.ThreadMXBean}. The first decode of a kind
 * also loads and initializes classes, so an input over the allowance is decoded a second time and only fails if it
 * is over again.
 */
public final class DecodeOracle {

    /** A decoder run over one input. */
    @FunctionalInterface
    public interface Decode {
        void run() throws Exception;
    }

    private static final com.sun.management.ThreadMXBean THREADS =
            (com.sun.management.ThreadMXBean) ManagementFactory.getThreadMXBean();

    private final List<Class<? extends Throwable>> documented;
    private final long fixedBytes;
    private final long bytesPerInputByte;

    /**
     * @param documented        the decode errors of the layer (with their subclasses)
     * @param fixedBytes        the allowance whatever the input (the decoder's documented limits)
     * @param bytesPerInputByte the allowance per input byte
     */
    public DecodeOracle(List<Class<? extends Throwable>> documented, long fixedBytes, long bytesPerInputByte) {
        this.documented = List.copyOf(documented);
        this.fixedBytes = fixedBytes;
        this.bytesPerInputByte = bytesPerInputByte;
    }

    /** Runs {@code decode} over {@code input}; fails on an undocumented exception or too much allocation. */
    public void check(byte[] input, Decode decode) {
        long limit = fixedBytes + bytesPerInputByte * input.length;
        long used = allocatedBy(decode);
        if (used > limit && allocatedBy(decode) > limit) {
            throw new AssertionError("decoding " + input.length + " bytes allocated " + used
                    + " bytes, over the allowance of " + limit);
        }
    }

    private long allocatedBy(Decode decode) {
        long before = THREADS.getCurrentThreadAllocatedBytes();
        try {
            decode.run();
        } catch (Throwable t) {
            if (documented.stream().noneMatch(c -> c.isInstance(t))) {
                throw new AssertionError("undocumented " + t.getClass().getName() + " from a decoder", t);
            }
        }
        return THREADS.getCurrentThreadAllocatedBytes() - before;
    }
}
