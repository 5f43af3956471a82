package io.bucketfs.backends.s3;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.bucketfs.backends.BackendSettings;
import io.bucketfs.backends.ConnectionSpec;
import io.bucketfs.backends.PutOptions;
import io.bucketfs.backends.Provider;
import java.net.URI;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import software.amazon.awssdk.auth.credentials.StaticCredentialsProvider;
import software.amazon.awssdk.regions.Region;
import software.amazon.awssdk.services.s3.S3Client;
import software.amazon.awssdk.services.sts.auth.StsAssumeRoleCredentialsProvider;
import software.amazon.awssdk.services.sts.model.AssumeRoleRequest;

/**
 * How a {@link ConnectionSpec} becomes an SDK client, checked without any network: endpoints and regions of each
 * provider preset, addressing style, static keys versus STS role assumption, and what the store refuses.
 */
@Timeout(value = 30, unit = TimeUnit.SECONDS)
class S3ObjectStoreWiringTest {

    private static S3ObjectStore open(ConnectionSpec spec) {
        return new S3ObjectStore(spec, BackendSettings.DEFAULT);
    }

    private static URI endpointOf(S3ObjectStore store) {
        return store.client().serviceClientConfiguration().endpointOverride().orElse(null);
    }

    /** The URL the client addresses {@code key} in {@code bucket} with. */
    private static String urlOf(S3Client client, String bucket) {
        return client.utilities().getUrl(b -> b.bucket(bucket).key("k")).toString();
    }

    @Test
    void presetEndpointsAndRegions() {
        record Case(ConnectionSpec spec, String endpoint, String region) { }
        Case[] cases = {
            new Case(ConnectionSpec.of(Provider.AWS_S3, "b").withKeys("AK", "SK"), null, "us-east-1"),
            new Case(ConnectionSpec.of(Provider.AWS_S3, "b").withRegion("eu-west-1").withKeys("AK", "SK"), null,
                    "eu-west-1"),
            new Case(ConnectionSpec.of(Provider.GCS, "b").withKeys("AK", "SK"), "https://storage.googleapis.com",
                    "auto"),
            new Case(ConnectionSpec.of(Provider.R2, "b").withAzureAccount("acct123", null, null).withKeys("AK", "SK"),
                    "https://acct123.r2.cloudflarestorage.com", "auto"),
            new Case(ConnectionSpec.of(Provider.B2, "b").withRegion("us-west-004").withKeys("AK", "SK"),
                    "https://s3.us-west-004.backblazeb2.com", "us-west-004"),
            new Case(ConnectionSpec.of(Provider.WASABI, "b").withRegion("eu-central-1").withKeys("AK", "SK"),
                    "https://s3.eu-central-1.wasabisys.com", "eu-central-1"),
            new Case(ConnectionSpec.of(Provider.MINIO, "b").withEndpoint("http://127.0.0.1:9000")
                    .withKeys("AK", "SK"), "http://127.0.0.1:9000", "us-east-1"),
            new Case(ConnectionSpec.of(Provider.AWS_S3, "b").withEndpoint("https://vpce.example:8443")
                    .withKeys("AK", "SK"), "https://vpce.example:8443", "us-east-1"),
        };
        for (Case c : cases) {
            try (S3ObjectStore store = open(c.spec())) {
                assertEquals(c.endpoint() == null ? null : URI.create(c.endpoint()), endpointOf(store),
                        c.spec().toString());
                assertEquals(Region.of(c.region()), store.client().serviceClientConfiguration().region());
                String d = store.describe();
                assertTrue(d.contains(c.spec().provider().id()) && d.contains("bucket=b"), d);
                assertFalse(d.contains("SK"), d);
            }
        }
    }

    @Test
    void addressingStyleFollowsThePresetUnlessGiven() {
        try (S3ObjectStore minio = open(ConnectionSpec.of(Provider.MINIO, "bkt").withEndpoint("http://127.0.0.1:9000")
                .withKeys("AK", "SK"))) {
            assertEquals("http://127.0.0.1:9000/bkt/k", urlOf(minio.client(), "bkt"));
        }
        try (S3ObjectStore aws = open(ConnectionSpec.of(Provider.AWS_S3, "bkt").withRegion("eu-west-1")
                .withKeys("AK", "SK"))) {
            assertEquals("https://bkt.s3.eu-west-1.amazonaws.com/k", urlOf(aws.client(), "bkt"));
        }
        try (S3ObjectStore awsPath = open(ConnectionSpec.of(Provider.AWS_S3, "bkt").withRegion("eu-west-1")
                .withPathStyle(true).withKeys("AK", "SK"))) {
            assertEquals("https://s3.eu-west-1.amazonaws.com/bkt/k", urlOf(awsPath.client(), "bkt"));
        }
    }

    @Test
    void staticKeysWithoutRole() {
        try (S3ObjectStore store = open(ConnectionSpec.of(Provider.AWS_S3, "b").withKeys("AK", "SK"))) {
            StaticCredentialsProvider p = assertInstanceOf(StaticCredentialsProvider.class,
                    store.credentialsProvider());
            assertEquals("AK", p.resolveCredentials().accessKeyId());
        }
    }

    @Test
    void roleIsAssumedWithStsWithoutCallingItUpFront() {
        ConnectionSpec spec = ConnectionSpec.of(Provider.AWS_S3, "b").withRegion("eu-west-1").withKeys("AK", "SK")
                .withRole("arn:aws:iam::123456789012:role/bucketfs", "ext-42");
        try (S3ObjectStore store = open(spec)) {
            assertInstanceOf(StsAssumeRoleCredentialsProvider.class, store.credentialsProvider());
        }
        AssumeRoleRequest req = S3Clients.assumeRoleRequest(spec);
        assertEquals("arn:aws:iam::123456789012:role/bucketfs", req.roleArn());
        assertEquals("ext-42", req.externalId());
        assertEquals("bucketfs", req.roleSessionName());
        assertEquals(Region.EU_WEST_1, S3Clients.stsRegion(spec));

        ConnectionSpec chain = ConnectionSpec.of(Provider.AWS_S3, "b").withRole("arn:aws:iam::1:role/r", null);
        try (S3ObjectStore store = open(chain)) {
            assertInstanceOf(StsAssumeRoleCredentialsProvider.class, store.credentialsProvider());
        }
        assertNull(S3Clients.assumeRoleRequest(chain).externalId());
        assertEquals(Region.US_EAST_1, S3Clients.stsRegion(ConnectionSpec.of(Provider.GCS, "b")),
                "no STS in region 'auto'");
    }

    @Test
    void invalidSpecsAreRefusedBeforeAnyClientExists() {
        assertThrows(IllegalArgumentException.class,
                () -> open(ConnectionSpec.of(Provider.AWS_S3, " ").withKeys("AK", "SK")));
        assertThrows(IllegalArgumentException.class, () -> open(ConnectionSpec.of(Provider.MINIO, "b")
                .withKeys("AK", "SK")));
        assertThrows(IllegalArgumentException.class, () -> open(ConnectionSpec.of(Provider.AWS_S3, "b")));
        assertThrows(IllegalArgumentException.class, () -> open(ConnectionSpec.of(Provider.AZURE, "c")
                .withAzureAccount("acct", "key", null)));
        assertThrows(NullPointerException.class, () -> new S3ObjectStore(null, BackendSettings.DEFAULT));
    }

    @Test
    void etagQuotingAndContentRange() throws Exception {
        assertEquals("abc", S3Conversions.unquote("\"abc\""));
        assertEquals("abc-2", S3Conversions.unquote("abc-2"));
        assertEquals("abc", S3Conversions.unquote("W/\"abc\""));
        assertEquals("", S3Conversions.unquote(null));
        assertEquals("\"abc\"", S3Conversions.quote("abc"));
        assertEquals("\"abc\"", S3Conversions.quote("\"abc\""));
        assertEquals("*", S3Conversions.quote("*"));
        assertNull(S3Conversions.quote(null));
        assertEquals(1000, S3Conversions.totalFromContentRange("bytes 990-999/1000"));
        assertEquals(990, S3Conversions.firstFromContentRange("bytes 990-999/1000"));
        assertEquals(-1, S3Conversions.totalFromContentRange(null));
        assertThrows(io.bucketfs.backends.ObjectStoreException.class,
                () -> S3Conversions.totalFromContentRange("bytes 0-9/*"));
    }

    @Test
    void uploadIdsCarryTheirCondition() {
        for (PutOptions o : new PutOptions[] {PutOptions.NONE, PutOptions.NONE.withCreateOnly(),
                PutOptions.NONE.withIfMatch("d41d8cd98f00b204e9800998ecf8427e-3")}) {
            S3UploadId id = S3UploadId.of("2~abc.DEF_ghi-jkl", o);
            S3UploadId back = S3UploadId.parse(id.encode());
            assertEquals(id, back);
        }
        assertEquals("plain", S3UploadId.parse("plain").s3UploadId());
        assertThrows(IllegalArgumentException.class, () -> S3UploadId.parse("x|bogus"));
    }

    @Test
    void emptySegmentsAreEncoded() {
        assertEquals("/bucket/a/%2Fb", EmptySegmentEncoder.encode("/bucket/a//b"));
        assertEquals("/bucket/%2Flead", EmptySegmentEncoder.encode("/bucket//lead"));
        assertEquals("/%2F%2Fx", EmptySegmentEncoder.encode("///x"));
        assertEquals("/bucket/a/b/", EmptySegmentEncoder.encode("/bucket/a/b/"));
    }
}
