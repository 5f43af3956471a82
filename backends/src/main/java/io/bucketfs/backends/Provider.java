package io.bucketfs.backends;

import java.util.Arrays;
import java.util.Locale;
import java.util.stream.Collectors;

/**
 * The providers a connection can name, with their presets: which protocol family, the endpoint template (filled
 * from the region and the account), the default region and whether buckets are addressed path-style.
 *
 * <p>Templates use {@code {region}} and {@code {account}}. A connection's explicit endpoint always wins over the
 * template (private endpoints, FIPS, on-prem gateways, tests).
 */
public enum Provider {
    /** Amazon S3: the SDK's regional endpoint, virtual-host addressing. */
    AWS_S3("aws-s3", Family.S3, null, "us-east-1", false),
    /** Google Cloud Storage through its S3 interoperability API with HMAC keys. */
    GCS("gcs", Family.S3, "https://storage.googleapis.com", "auto", true),
    /** Cloudflare R2: the account id is part of the endpoint. */
    R2("r2", Family.S3, "https://{account}.r2.cloudflarestorage.com", "auto", true),
    /** Backblaze B2's S3-compatible API: the region (e.g. us-west-004) is part of the endpoint. */
    B2("b2", Family.S3, "https://s3.{region}.backblazeb2.com", null, true),
    /** MinIO: the endpoint is required. */
    MINIO("minio", Family.S3, null, "us-east-1", true),
    /** Wasabi: regional endpoints. */
    WASABI("wasabi", Family.S3, "https://s3.{region}.wasabisys.com", "us-east-1", false),
    /** Any other S3-compatible store: the endpoint is required. */
    S3_COMPATIBLE("s3-compatible", Family.S3, null, "us-east-1", true),
    /** Azure Blob Storage: the account name is part of the endpoint. */
    AZURE("azure", Family.AZURE, "https://{account}.blob.core.windows.net", null, false),
    /** A directory on this machine (the embedded default): the endpoint is the directory path. */
    LOCAL("local", Family.LOCAL, null, null, false);

    /** The protocol a provider speaks. */
    public enum Family { S3, AZURE, LOCAL }

    private final String id;
    private final Family family;
    private final String endpointTemplate;
    private final String defaultRegion;
    private final boolean pathStyle;

    Provider(String id, Family family, String endpointTemplate, String defaultRegion, boolean pathStyle) {
        this.id = id;
        this.family = family;
        this.endpointTemplate = endpointTemplate;
        this.defaultRegion = defaultRegion;
        this.pathStyle = pathStyle;
    }

    /** The name users type: {@code aws-s3}, {@code gcs}, … */
    public String id() {
        return id;
    }

    public Family family() {
        return family;
    }

    /** The endpoint template, or {@code null} when the SDK default applies or the endpoint must be given. */
    public String endpointTemplate() {
        return endpointTemplate;
    }

    /** The region used when a connection names none, or {@code null} when one must be given. */
    public String defaultRegion() {
        return defaultRegion;
    }

    /** Whether buckets are addressed as {@code endpoint/bucket/key} rather than {@code bucket.endpoint/key}. */
    public boolean pathStyleByDefault() {
        return pathStyle;
    }

    /** Whether a connection must give an endpoint because there is neither a template nor an SDK default. */
    public boolean requiresEndpoint() {
        return endpointTemplate == null && this != AWS_S3;
    }

    /** Parses a provider id, case-insensitively; the message lists the valid ids. */
    public static Provider fromId(String id) {
        if (id != null) {
            String want = id.trim().toLowerCase(Locale.ROOT);
            for (Provider p : values()) {
                if (p.id.equals(want)) {
                    return p;
                }
            }
        }
        throw new IllegalArgumentException("provider: unknown '" + id + "'; one of "
                + Arrays.stream(values()).map(Provider::id).collect(Collectors.joining(", ")));
    }

    @Override
    public String toString() {
        return id;
    }
}
