package io.bucketfs.backends;

import java.net.URI;
import java.util.Objects;

/**
 * Where a bucket is and how to reach it: what a {@code bucketfs connections create} records. Which fields apply
 * depends on the {@link Provider}; {@link #validate()} names the first field that is missing or wrong.
 *
 * @param provider    the provider preset
 * @param bucket      bucket (S3 family) or container (Azure); for {@link Provider#LOCAL} a name below the directory
 * @param region      the region; {@code null} for the provider's default
 * @param endpoint    an explicit endpoint URL overriding the preset ({@code http://127.0.0.1:9000}); for
 *                    {@link Provider#LOCAL} the directory path
 * @param pathStyle   path-style addressing; {@code null} for the provider's default
 * @param accessKey   S3 access key id (or GCS HMAC key id)
 * @param secretKey   S3 secret access key
 * @param roleArn     an IAM role to assume with STS using the static keys (or the default chain without them)
 * @param externalId  the external id the role's trust policy requires
 * @param accountName Azure storage account, or the R2 account id
 * @param accountKey  Azure shared key
 * @param sasToken    Azure SAS token (instead of the account key)
 */
public record ConnectionSpec(Provider provider, String bucket, String region, String endpoint, Boolean pathStyle,
                             String accessKey, String secretKey, String roleArn, String externalId,
                             String accountName, String accountKey, String sasToken) {

    public ConnectionSpec {
        Objects.requireNonNull(provider, "provider");
    }

    /** A builder-style start: provider and bucket, everything else unset. */
    public static ConnectionSpec of(Provider provider, String bucket) {
        return new ConnectionSpec(provider, bucket, null, null, null, null, null, null, null, null, null, null);
    }

    public ConnectionSpec withRegion(String v) {
        return new ConnectionSpec(provider, bucket, v, endpoint, pathStyle, accessKey, secretKey, roleArn,
                externalId, accountName, accountKey, sasToken);
    }

    public ConnectionSpec withEndpoint(String v) {
        return new ConnectionSpec(provider, bucket, region, v, pathStyle, accessKey, secretKey, roleArn,
                externalId, accountName, accountKey, sasToken);
    }

    public ConnectionSpec withPathStyle(Boolean v) {
        return new ConnectionSpec(provider, bucket, region, endpoint, v, accessKey, secretKey, roleArn,
                externalId, accountName, accountKey, sasToken);
    }

    public ConnectionSpec withKeys(String access, String secret) {
        return new ConnectionSpec(provider, bucket, region, endpoint, pathStyle, access, secret, roleArn,
                externalId, accountName, accountKey, sasToken);
    }

    public ConnectionSpec withRole(String arn, String external) {
        return new ConnectionSpec(provider, bucket, region, endpoint, pathStyle, accessKey, secretKey, arn,
                external, accountName, accountKey, sasToken);
    }

    public ConnectionSpec withAzureAccount(String name, String key, String sas) {
        return new ConnectionSpec(provider, bucket, region, endpoint, pathStyle, accessKey, secretKey, roleArn,
                externalId, name, key, sas);
    }

    /** The region to use: the given one or the provider's default. */
    public String effectiveRegion() {
        return region != null && !region.isBlank() ? region : provider.defaultRegion();
    }

    /** Path-style addressing: the given choice or the provider's default. */
    public boolean effectivePathStyle() {
        return pathStyle != null ? pathStyle : provider.pathStyleByDefault();
    }

    /**
     * The endpoint to use: the explicit one, else the provider's template filled in, else {@code null} (AWS: the
     * SDK's regional default).
     */
    public URI effectiveEndpoint() {
        if (endpoint != null && !endpoint.isBlank()) {
            return URI.create(endpoint.trim());
        }
        String t = provider.endpointTemplate();
        if (t == null) {
            return null;
        }
        return URI.create(t.replace("{region}", String.valueOf(effectiveRegion()))
                .replace("{account}", String.valueOf(accountName)));
    }

    /** Throws {@link IllegalArgumentException} with a one-line message naming the first bad field. */
    public ConnectionSpec validate() {
        if (isBlank(bucket)) {
            throw new IllegalArgumentException("bucket: required");
        }
        if (provider.family() == Provider.Family.LOCAL) {
            if (isBlank(endpoint)) {
                throw new IllegalArgumentException("endpoint: the directory of a local store is required");
            }
            return this;
        }
        if (!isBlank(endpoint)) {
            URI u;
            try {
                u = URI.create(endpoint.trim());
            } catch (IllegalArgumentException e) {
                throw new IllegalArgumentException("endpoint: not a URL: " + endpoint);
            }
            if (u.getScheme() == null || !(u.getScheme().equals("http") || u.getScheme().equals("https"))
                    || u.getHost() == null) {
                throw new IllegalArgumentException("endpoint: must be an http(s) URL with a host: " + endpoint);
            }
        } else if (provider.requiresEndpoint()) {
            throw new IllegalArgumentException("endpoint: required for provider " + provider.id());
        }
        if (provider.family() == Provider.Family.AZURE) {
            if (isBlank(accountName)) {
                throw new IllegalArgumentException("account-name: required for provider azure");
            }
            if (isBlank(accountKey) == isBlank(sasToken)) {
                throw new IllegalArgumentException("account-key: give exactly one of account-key and sas");
            }
            return this;
        }
        if (effectiveRegion() == null) {
            throw new IllegalArgumentException("region: required for provider " + provider.id());
        }
        if (provider == Provider.R2 && isBlank(endpoint) && isBlank(accountName)) {
            throw new IllegalArgumentException("account-name: the R2 account id is required (or give endpoint)");
        }
        if (isBlank(accessKey) != isBlank(secretKey)) {
            throw new IllegalArgumentException(isBlank(accessKey) ? "access-key: required with secret-key"
                    : "secret-key: required with access-key");
        }
        if (isBlank(accessKey) && isBlank(roleArn)) {
            throw new IllegalArgumentException("access-key: required (or role-arn to use the default credential chain)");
        }
        if (!isBlank(externalId) && isBlank(roleArn)) {
            throw new IllegalArgumentException("external-id: only meaningful with role-arn");
        }
        return this;
    }

    private static boolean isBlank(String s) {
        return s == null || s.isBlank();
    }

    /** Never prints secrets. */
    @Override
    public String toString() {
        return "ConnectionSpec[provider=" + provider + ", bucket=" + bucket + ", region=" + effectiveRegion()
                + ", endpoint=" + (endpoint != null ? endpoint : provider.endpointTemplate())
                + (accessKey != null ? ", accessKey=" + mask(accessKey) : "")
                + (roleArn != null ? ", roleArn=" + roleArn : "")
                + (accountName != null ? ", account=" + accountName : "")
                + (secretKey != null || accountKey != null || sasToken != null ? ", secret=****" : "") + "]";
    }

    private static String mask(String key) {
        return key.length() <= 4 ? "****" : key.substring(0, 4) + "****";
    }
}
