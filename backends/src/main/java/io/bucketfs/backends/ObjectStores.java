package io.bucketfs.backends;

import io.bucketfs.backends.azure.AzureBlobObjectStore;
import io.bucketfs.backends.local.LocalDirectoryStore;
import io.bucketfs.backends.s3.S3ObjectStore;
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
            case AZURE:
                return new AzureBlobObjectStore(spec, settings);
            case S3:
                return new S3ObjectStore(spec, settings);
            default:
                throw new IllegalStateException("no store for provider family " + spec.provider().family());
        }
    }
}
