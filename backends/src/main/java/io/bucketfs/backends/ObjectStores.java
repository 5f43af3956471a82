package io.bucketfs.backends;

import io.bucketfs.backends.local.LocalDirectoryStore;
import java.io.IOException;
import java.nio.file.Path;

/** Opens the {@link ObjectStore} a {@link ConnectionSpec} describes. */
public final class ObjectStores {

    private ObjectStores() {
    }

    /**
     * Validates {@code spec} (one-line {@link IllegalArgumentException} naming the field) and opens its store. No
     * request is made: a wrong credential shows at the first call, as ACCESS_DENIED.
     */
    public static ObjectStore open(ConnectionSpec spec, BackendSettings settings) throws IOException {
        spec.validate();
        switch (spec.provider().family()) {
            case LOCAL:
                return LocalDirectoryStore.create(Path.of(spec.endpoint()).resolve(spec.bucket()));
            default:
                throw new IllegalArgumentException("provider: " + spec.provider().id() + " is not available yet");
        }
    }
}
