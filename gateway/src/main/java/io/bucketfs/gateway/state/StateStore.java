package io.bucketfs.gateway.state;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.JsonMappingException;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.PropertyNamingStrategies;
import com.fasterxml.jackson.databind.SerializationFeature;
import java.io.IOException;
import java.nio.channels.FileChannel;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.function.UnaryOperator;

/**
 * The control plane's state file, {@value #FILE} in the data directory: one JSON document ({@link GatewayState}),
 * replaced whole on every change.
 *
 * <h2>On-disk invariants</h2>
 * <ul>
 *   <li>The file is always a complete, valid document: a change is written ({@link AtomicFiles}) to {@code FILE.tmp} (mode 0600, as the
 *       file holds sealed secrets), fsynced, renamed over the file, and the directory fsynced, so a crash leaves
 *       the old state or the new one, never a mix. A leftover {@code .tmp} is a change that never happened and is
 *       deleted at load.</li>
 *   <li>No file means {@link GatewayState#EMPTY}.</li>
 *   <li>A file that does not parse or validate stops the gateway with the field at fault
 *       ({@code gateway-state.json: mounts[1].cache-size: must be more than 0}); it is never rewritten or
 *       "repaired".</li>
 * </ul>
 * Changes are serialized by this object ({@link #update}); the data directory's lock keeps other processes out.
 */
public final class StateStore {

    /** The file's name in the data directory. */
    public static final String FILE = "gateway-state.json";

    /** The JSON of the state file and of the admin API: kebab-case fields, unknown fields refused. */
    public static final ObjectMapper JSON = new ObjectMapper()
            .setPropertyNamingStrategy(PropertyNamingStrategies.KEBAB_CASE)
            .enable(DeserializationFeature.FAIL_ON_UNKNOWN_PROPERTIES)
            .enable(DeserializationFeature.FAIL_ON_NULL_FOR_PRIMITIVES)
            .enable(DeserializationFeature.FAIL_ON_TRAILING_TOKENS)
            .enable(SerializationFeature.INDENT_OUTPUT);

    private final Path file;
    private GatewayState state;

    private StateStore(Path file, GatewayState state) {
        this.file = file;
        this.state = state;
    }

    /** Loads the state of {@code dataDir} (empty if there is none); a bad file is a {@link FieldException}. */
    public static StateStore open(Path dataDir) throws IOException {
        Path file = dataDir.resolve(FILE);
        Files.deleteIfExists(tmp(file));
        if (!Files.exists(file)) {
            return new StateStore(file, GatewayState.EMPTY);
        }
        return new StateStore(file, parse(Files.readAllBytes(file)));
    }

    /** Parses and validates a state document; a mistake is a {@link FieldException} naming the field. */
    public static GatewayState parse(byte[] json) {
        GatewayState s;
        try {
            s = JSON.readValue(json, GatewayState.class);
        } catch (JsonMappingException e) {
            throw FieldException.invalid(path(e), e.getOriginalMessage().split("\n", 2)[0]);
        } catch (IOException e) {
            throw FieldException.invalid("(document)", "not JSON: " + e.getMessage().split("\n", 2)[0]);
        }
        if (s == null) {
            throw FieldException.invalid("(document)", "empty");
        }
        return s.validate();
    }

    /** The field path of a mapping error: {@code mounts[1].cache-size}. */
    public static String path(JsonMappingException e) {
        StringBuilder b = new StringBuilder();
        for (JsonMappingException.Reference r : e.getPath()) {
            if (r.getFieldName() != null) {
                b.append(b.length() == 0 ? "" : ".").append(r.getFieldName());
            } else if (r.getIndex() >= 0) {
                b.append('[').append(r.getIndex()).append(']');
            }
        }
        return b.length() == 0 ? "(document)" : b.toString();
    }

    public Path file() {
        return file;
    }

    /** The current state. */
    public synchronized GatewayState get() {
        return state;
    }

    /**
     * Applies {@code change} to the current state, validates the result and makes it durable before it becomes
     * current. A change that throws or does not validate leaves the file and the state as they were.
     */
    public synchronized GatewayState update(UnaryOperator<GatewayState> change) throws IOException {
        GatewayState next = change.apply(state).validate();
        write(next);
        state = next;
        return next;
    }

    private void write(GatewayState s) throws IOException {
        byte[] bytes;
        try {
            bytes = JSON.writeValueAsBytes(s);
        } catch (JsonProcessingException e) {
            throw new IOException("cannot encode the state: " + e.getMessage(), e);
        }
        AtomicFiles.replace(file, bytes);
    }

    /** Makes a rename in {@code dir} durable (where the file system can sync a directory). */
    public static void syncDir(Path dir) {
        try (FileChannel d = FileChannel.open(dir, StandardOpenOption.READ)) {
            d.force(true);
        } catch (IOException e) {
            // some file systems cannot sync a directory; the file itself is synced
        }
    }

    private static Path tmp(Path file) {
        return file.resolveSibling(file.getFileName() + ".tmp");
    }
}
