package io.bucketfs.nfs.v4;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;

import com.code_intelligence.jazzer.junit.FuzzTest;
import io.bucketfs.nfs.v4.attr.AttrDecoder;
import io.bucketfs.nfs.v4.attr.Fattr;
import io.bucketfs.nfs.v4.ops.OpArgs;
import io.bucketfs.nfs.v4.ops.OpCode;
import io.bucketfs.nfs.v4.ops.OpUnusable;
import io.bucketfs.nfs.v4.ops.Ops;
import io.bucketfs.nfs.v4.xdr.Bitmap4;
import io.bucketfs.nfs.v4.xdr.Fattr4;
import io.bucketfs.nfs.v4.xdr.Stateid4;
import io.bucketfs.nfs.v4.xdr.XdrUtil;
import io.bucketfs.testing.DecodeOracle;
import java.io.IOException;
import java.lang.reflect.Field;
import java.lang.reflect.Modifier;
import java.lang.reflect.RecordComponent;
import java.nio.ByteBuffer;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Locale;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;
import org.dcache.oncrpc4j.xdr.Xdr;
import org.junit.jupiter.api.Named;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * Fuzz target (README "Hostile input"): NFSv4 {@code COMPOUND4args} (RFC 8881 16.2) as the server decodes it
 * ({@link CompoundArgs}), then the same bytes operation by operation through {@link Ops#decodeArgs} without
 * CompoundArgs' safety net (which turns any exception into NFS4ERR_BADXDR and would hide a decoder's
 * IndexOutOfBounds), and every fattr4 found (SETATTR, CREATE, OPEN's createattrs) through {@link AttrDecoder}.
 * Proves that the decoders return or throw an {@link IOException} (BADXDR / GARBAGE_ARGS) or an
 * {@link Nfs4Exception} (an attribute's status), within the allocation allowance of their documented limits. The
 * seeds are one COMPOUND per operation the server decodes, each checked to decode whole.
 */
@Timeout(value = 120, unit = TimeUnit.SECONDS)
public class CompoundFuzzTest {

    static final DecodeOracle ORACLE = new DecodeOracle(List.of(IOException.class, Nfs4Exception.class),
            8L << 20, 64);

    @MethodSource("seeds")
    @FuzzTest(maxDuration = "5m")
    void decode(byte[] input) {
        ORACLE.check(input, () -> new CompoundArgs().xdrDecode(xdr(input)));
        ORACLE.check(input, () -> decodeStrictly(input));
    }

    private static Xdr xdr(byte[] input) {
        Xdr x = new Xdr(input);
        x.beginDecoding();
        return x;
    }

    /** The operations of a COMPOUND with their attributes decoded; stops at the first undecodable one. */
    static List<OpArgs> decodeStrictly(byte[] input) throws IOException, Nfs4Exception {
        Xdr x = xdr(input);
        XdrUtil.opaque(x, XdrUtil.MAX_STRING, "tag");
        int minor = XdrUtil.u32(x);
        int n = Math.min(XdrUtil.u32(x), CompoundArgs.MAX_OPERATIONS);
        List<OpArgs> ops = new ArrayList<>();
        for (int i = 0; i < n; i++) {
            OpArgs a = Ops.decodeArgs(XdrUtil.u32(x), x);
            ops.add(a);
            if (a instanceof OpUnusable) {
                break;
            }
            for (Object f : components(a)) {
                if (f instanceof Fattr4 attrs) {
                    AttrDecoder.decode(attrs, minor);
                }
            }
        }
        return ops;
    }

    private static List<Object> components(Object record) {
        List<Object> out = new ArrayList<>();
        if (record.getClass().isRecord()) {
            for (RecordComponent c : record.getClass().getRecordComponents()) {
                try {
                    out.add(c.getAccessor().invoke(record));
                } catch (ReflectiveOperationException e) {
                    throw new AssertionError(e);
                }
            }
        }
        return out;
    }

    @Test
    void everySeedDecodesWhole() throws Exception {
        List<Arguments> all = seeds().toList();
        for (Arguments a : all) {
            @SuppressWarnings("unchecked")
            Named<byte[]> seed = (Named<byte[]>) a.get()[0];
            Xdr x = xdr(seed.getPayload());
            CompoundArgs c = new CompoundArgs();
            c.xdrDecode(x);
            assertEquals(1, c.ops().size(), seed.getName());
            assertFalse(c.ops().get(0) instanceof OpUnusable, seed.getName() + ": " + c.ops().get(0));
            assertEquals(0, x.asBuffer().remaining(), seed.getName() + " decoded whole");
            decodeStrictly(seed.getPayload());
        }
        assertEquals(opArgsClasses().size(), all.size());
    }

    /** One COMPOUND (minor version 1) per operation the server decodes, its arguments filled with plausible values. */
    public static Stream<Arguments> seeds() {
        return opArgsClasses().stream().map(c -> {
            OpArgs op = (OpArgs) instance(c);
            CompoundArgs args = new CompoundArgs("fuzz", 1, List.of(op));
            try (Xdr x = new Xdr(1024)) {
                x.beginEncoding();
                args.xdrEncode(x);
                x.endEncoding();
                return Arguments.of(Named.of(c.getEnclosingClass().getSimpleName(), x.getBytes()));
            }
        });
    }

    /** {@code OpXxx.Args} of every opcode constant in {@link OpCode} that has one. */
    static List<Class<?>> opArgsClasses() {
        List<Class<?>> out = new ArrayList<>();
        for (Field f : OpCode.class.getFields()) {
            if (!Modifier.isStatic(f.getModifiers()) || f.getType() != int.class) {
                continue;
            }
            StringBuilder name = new StringBuilder("io.bucketfs.nfs.v4.ops.Op");
            for (String part : f.getName().split("_")) {
                name.append(part.charAt(0)).append(part.substring(1).toLowerCase(Locale.ROOT));
            }
            try {
                out.add(Class.forName(name + "$Args"));
            } catch (ClassNotFoundException e) {
                // an operation the server does not decode (NOTSUPP or ILLEGAL)
            }
        }
        return out;
    }

    private static Object instance(Class<?> c) {
        RecordComponent[] rc = c.getRecordComponents();
        Class<?>[] types = Arrays.stream(rc).map(RecordComponent::getType).toArray(Class<?>[]::new);
        Object[] values = Arrays.stream(rc).map(CompoundFuzzTest::value).toArray();
        try {
            return c.getDeclaredConstructor(types).newInstance(values);
        } catch (ReflectiveOperationException e) {
            throw new AssertionError(c + ": " + e, e);
        }
    }

    private static Object value(RecordComponent c) {
        Class<?> t = c.getType();
        String n = c.getName().toLowerCase(Locale.ROOT);
        if (t == byte[].class) {
            return new byte[n.contains("verifier") || n.contains("verf") ? 8 : 16];
        } else if (t == int.class) {
            return switch (n) {
                case "type" -> 2; // CREATE: NF4DIR
                case "claim" -> 0; // OPEN: CLAIM_NULL
                default -> 1; // OPEN4_CREATE, GUARDED4, READ_LT...
            };
        } else if (t == long.class) {
            return 1L;
        } else if (t == boolean.class) {
            return false;
        } else if (t == String.class) {
            return "a";
        } else if (t == Stateid4.class) {
            return new Stateid4(1, new byte[Stateid4.OTHER_LENGTH]);
        } else if (t == Bitmap4.class) {
            return Bitmap4.of(Fattr.TYPE, Fattr.SIZE);
        } else if (t == Fattr4.class) {
            return new Fattr4(Bitmap4.of(Fattr.MODE), new byte[] {0, 0, 1, (byte) 0xa4});
        } else if (t == int[].class) {
            return new int[0];
        } else if (t == ByteBuffer.class) {
            return ByteBuffer.wrap(new byte[] {1, 2, 3});
        } else if (t == List.class) {
            return List.of(new Stateid4(1, new byte[Stateid4.OTHER_LENGTH]));
        } else if (t.isRecord()) {
            return instance(t);
        }
        throw new AssertionError("no seed value for " + c);
    }
}
