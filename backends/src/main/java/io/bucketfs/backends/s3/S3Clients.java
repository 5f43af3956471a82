package io.bucketfs.backends.s3;

import io.bucketfs.backends.BackendSettings;
import io.bucketfs.backends.ConnectionSpec;
import java.net.URI;
import software.amazon.awssdk.auth.credentials.AwsBasicCredentials;
import software.amazon.awssdk.auth.credentials.AwsCredentialsProvider;
import software.amazon.awssdk.auth.credentials.DefaultCredentialsProvider;
import software.amazon.awssdk.auth.credentials.StaticCredentialsProvider;
import software.amazon.awssdk.awscore.retry.AwsRetryStrategy;
import software.amazon.awssdk.core.checksums.RequestChecksumCalculation;
import software.amazon.awssdk.core.checksums.ResponseChecksumValidation;
import software.amazon.awssdk.core.client.config.ClientOverrideConfiguration;
import software.amazon.awssdk.http.SdkHttpClient;
import software.amazon.awssdk.http.apache.ApacheHttpClient;
import software.amazon.awssdk.regions.Region;
import software.amazon.awssdk.services.s3.S3Client;
import software.amazon.awssdk.services.sts.StsClient;
import software.amazon.awssdk.services.sts.auth.StsAssumeRoleCredentialsProvider;
import software.amazon.awssdk.services.sts.model.AssumeRoleRequest;

/**
 * Builds the SDK objects of one {@link S3ObjectStore}: the pooled Apache HTTP client, the credentials (static
 * keys, or an STS role assumed with them) and the S3 client with the SDK's own retries and checksum extras off.
 */
final class S3Clients {

    /** The session name of every role session bucketfs opens. */
    static final String ROLE_SESSION_NAME = "bucketfs";

    /** STS has no "auto" region (R2, GCS): such connections ask the global partition's default region. */
    private static final Region STS_FALLBACK_REGION = Region.US_EAST_1;

    private S3Clients() {
    }

    /** The pooled HTTP client: {@code maxConnections} connections, connect and socket timeouts from settings. */
    static SdkHttpClient httpClient(BackendSettings settings) {
        return ApacheHttpClient.builder()
                .maxConnections(settings.maxConnections())
                .connectionTimeout(settings.connectTimeout())
                .socketTimeout(settings.requestTimeout())
                .connectionAcquisitionTimeout(settings.requestTimeout())
                .build();
    }

    /** Overrides that hand every retry decision to {@link io.bucketfs.backends.Retrier}. */
    static ClientOverrideConfiguration noSdkRetries() {
        return ClientOverrideConfiguration.builder().retryStrategy(AwsRetryStrategy.doNotRetry()).build();
    }

    /** The S3 client for {@code spec} over {@code http} with {@code credentials}. */
    static S3Client s3Client(ConnectionSpec spec, SdkHttpClient http, AwsCredentialsProvider credentials) {
        var builder = S3Client.builder()
                .httpClient(http)
                .region(Region.of(spec.effectiveRegion()))
                .credentialsProvider(credentials)
                .forcePathStyle(spec.effectivePathStyle())
                // S3-compatible stores reject or mis-verify the newer flexible checksums: only where required
                .requestChecksumCalculation(RequestChecksumCalculation.WHEN_REQUIRED)
                .responseChecksumValidation(ResponseChecksumValidation.WHEN_REQUIRED)
                .overrideConfiguration(noSdkRetries().toBuilder()
                        .addExecutionInterceptor(new EmptySegmentEncoder()).build());
        URI endpoint = spec.effectiveEndpoint();
        if (endpoint != null) {
            builder.endpointOverride(endpoint);
        }
        return builder.build();
    }

    /** The static keys of the spec, or {@code null} when it has none. */
    static AwsCredentialsProvider staticKeys(ConnectionSpec spec) {
        if (isBlank(spec.accessKey())) {
            return null;
        }
        return StaticCredentialsProvider.create(AwsBasicCredentials.create(spec.accessKey(), spec.secretKey()));
    }

    /** Whether the spec asks for a role to be assumed. */
    static boolean assumesRole(ConnectionSpec spec) {
        return !isBlank(spec.roleArn());
    }

    /** The STS client that assumes the role: static keys if given, else the SDK's default chain. */
    static StsClient stsClient(ConnectionSpec spec, SdkHttpClient http) {
        AwsCredentialsProvider base = staticKeys(spec);
        if (base == null) {
            base = DefaultCredentialsProvider.builder().build();
        }
        return StsClient.builder()
                .httpClient(http)
                .region(stsRegion(spec))
                .credentialsProvider(base)
                .overrideConfiguration(noSdkRetries())
                .build();
    }

    /** The region STS is asked in. */
    static Region stsRegion(ConnectionSpec spec) {
        String r = spec.effectiveRegion();
        return r == null || "auto".equalsIgnoreCase(r) ? STS_FALLBACK_REGION : Region.of(r);
    }

    /** The AssumeRole request made (and renewed) for the spec's role. */
    static AssumeRoleRequest assumeRoleRequest(ConnectionSpec spec) {
        AssumeRoleRequest.Builder b = AssumeRoleRequest.builder()
                .roleArn(spec.roleArn().trim())
                .roleSessionName(ROLE_SESSION_NAME);
        if (!isBlank(spec.externalId())) {
            b.externalId(spec.externalId().trim());
        }
        return b.build();
    }

    /** Credentials that assume the spec's role through {@code sts}, renewed before they expire. */
    static StsAssumeRoleCredentialsProvider assumeRole(ConnectionSpec spec, StsClient sts) {
        return StsAssumeRoleCredentialsProvider.builder()
                .stsClient(sts)
                .refreshRequest(assumeRoleRequest(spec))
                .asyncCredentialUpdateEnabled(false)
                .build();
    }

    private static boolean isBlank(String s) {
        return s == null || s.isBlank();
    }
}
