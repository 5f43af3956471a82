package io.bucketfs.nfs.v3;

import static org.junit.jupiter.api.Assertions.assertEquals;

import com.code_intelligence.jazzer.junit.FuzzTest;
import io.bucketfs.nfs.NfsFileHandles;
import io.bucketfs.nfs.NfsSettings;
import io.bucketfs.nfs.export.ExportTable;
import io.bucketfs.nfs.mount.DirPath;
import io.bucketfs.nfs.v3.xdr.DirOpArgs3;
import io.bucketfs.nfs.v3.xdr.Sattr3;
import io.bucketfs.testing.DecodeOracle;
import io.bucketfs.vfs.FileHandle;
import java.io.IOException;
import java.lang.reflect.Field;
import java.lang.reflect.Modifier;
import java.time.Instant;
import java.util.Arrays;
import java.util.HexFormat;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.stream.IntStream;
import java.util.stream.Stream;
import org.dcache.oncrpc4j.xdr.Xdr;
import org.dcache.oncrpc4j.xdr.XdrAble;
import org.junit.jupiter.api.Named;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * Fuzz target (README "Hostile input"): the argument decoder of every NFSv3 procedure (RFC 1813 section 3.3, the
 * instances {@link Nfs3Program} decodes with) and MOUNT's dirpath (RFC 1813 section 5.2). The first input byte
 * picks the procedure, the rest are its XDR arguments. Proves that each decoder returns or throws an
 * {@link IOException} ({@code XdrGarbage}, oncrpc4j's bad-XDR errors: GARBAGE_ARGS on the wire) and never allocates
 * more than its documented limits ({@link NfsSettings#DEFAULT_MAX_IO_BYTES} of WRITE data) allow. The seeds are
 * valid arguments of every procedure, each checked to decode whole ({@link #everySeedDecodesWhole}).
 */
@Timeout(value = 120, unit = TimeUnit.SECONDS)
public class Nfs3ArgsFuzzTest {

    public static final int PROCEDURES = 21;
    /** The input's first byte modulo this picks the procedure: 0..20 are procedures 1..21, 21 is MOUNT's MNT. */
    static final int TARGETS = PROCEDURES + 1;
    static final Nfs3Program PROGRAM = new Nfs3Program(new ExportTable(), NfsSettings.DEFAULTS);
    static final DecodeOracle ORACLE = new DecodeOracle(List.of(IOException.class),
            NfsSettings.DEFAULT_MAX_IO_BYTES + (4 << 20), 64);

    @MethodSource("seeds")
    @FuzzTest(maxDuration = "5m")
    void decode(byte[] input) {
        ORACLE.check(input, () -> decodeArgs(input));
    }

    /** Decodes {@code input}; returns the arguments and how many bytes were left over. */
    static Decoded decodeArgs(byte[] input) throws IOException {
        if (input.length == 0) {
            return null;
        }
        int target = Byte.toUnsignedInt(input[0]) % TARGETS;
        XdrAble args = target < PROCEDURES ? PROGRAM.procedure(target + 1).newArgs() : new DirPath();
        Xdr x = new Xdr(Arrays.copyOfRange(input, 1, input.length));
        x.beginDecoding();
        args.xdrDecode(x);
        return new Decoded(args, x.asBuffer().remaining());
    }

    record Decoded(XdrAble args, int leftOver) {
    }

    @Test
    void everySeedDecodesWhole() throws IOException {
        List<Arguments> all = seeds().toList();
        assertEquals(TARGETS, all.size());
        for (Arguments a : all) {
            @SuppressWarnings("unchecked")
            Named<byte[]> seed = (Named<byte[]>) a.get()[0];
            Decoded d = decodeArgs(seed.getPayload());
            assertEquals(0, d.leftOver(), seed.getName() + " decoded whole");
        }
    }

    /** Valid arguments of every procedure: each field filled with a plausible value, then encoded. */
    public static Stream<Arguments> seeds() {
        return IntStream.range(0, TARGETS).mapToObj(target -> {
            XdrAble args = target < PROCEDURES ? PROGRAM.procedure(target + 1).newArgs() : new DirPath("/export");
            fill(args);
            byte[] body = HexFormat.of().parseHex(Nfs3XdrBytesTest.hex(x -> {
                try {
                    args.xdrEncode(x);
                } catch (IOException e) {
                    throw new java.io.UncheckedIOException(e);
                }
            }));
            byte[] seed = new byte[1 + body.length];
            seed[0] = (byte) target;
            System.arraycopy(body, 0, seed, 1, body.length);
            String name = target < PROCEDURES ? PROGRAM.procedure(target + 1).name() : "MOUNT dirpath";
            return Arguments.of(Named.of(name, seed));
        });
    }

    private static void fill(Object args) {
        byte[] fh = NfsFileHandles.encode(1, new FileHandle(42, 7));
        for (Field f : args.getClass().getFields()) {
            if (Modifier.isStatic(f.getModifiers()) || Modifier.isFinal(f.getModifiers())) {
                continue;
            }
            try {
                f.set(args, value(f, fh));
            } catch (IllegalAccessException e) {
                throw new AssertionError(e);
            }
        }
    }

    private static Object value(Field f, byte[] fh) {
        Class<?> t = f.getType();
        if (t == byte[].class) {
            return f.getName().equals("data") ? new byte[] {1, 2, 3} : fh;
        } else if (t == int.class) {
            return 1;
        } else if (t == long.class) {
            return 0L;
        } else if (t == boolean.class) {
            return true;
        } else if (t == String.class) {
            return "a";
        } else if (t == DirOpArgs3.class) {
            return new DirOpArgs3(fh, "a");
        } else if (t == Sattr3.class) {
            return new Sattr3(0644, 1000, 100, 3L, io.bucketfs.vfs.SetAttr.SERVER_TIME,
                    Instant.ofEpochSecond(1_700_000_000L));
        } else if (t == Instant.class) {
            return Instant.ofEpochSecond(1_700_000_000L);
        }
        throw new AssertionError("no seed value for " + f);
    }
}
