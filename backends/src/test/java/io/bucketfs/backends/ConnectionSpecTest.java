package io.bucketfs.backends;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.net.URI;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/** Provider presets and the one-line validation messages of a connection. */
@Timeout(value = 10, unit = TimeUnit.SECONDS)
class ConnectionSpecTest {

    private static ConnectionSpec s3(Provider p) {
        return ConnectionSpec.of(p, "data").withKeys("AKIAEXAMPLE", "secret");
    }

    @Test
    void presetsResolveEndpointsRegionsAndAddressing() {
        ConnectionSpec aws = s3(Provider.AWS_S3).validate();
        assertNull(aws.effectiveEndpoint(), "AWS uses the SDK's regional endpoint");
        assertEquals("us-east-1", aws.effectiveRegion());
        assertFalse(aws.effectivePathStyle());

        assertEquals(URI.create("https://storage.googleapis.com"), s3(Provider.GCS).validate().effectiveEndpoint());
        assertEquals(URI.create("https://acc123.r2.cloudflarestorage.com"),
                s3(Provider.R2).withAzureAccount("acc123", null, null).validate().effectiveEndpoint());
        assertEquals("auto", s3(Provider.R2).effectiveRegion());
        assertEquals(URI.create("https://s3.us-west-004.backblazeb2.com"),
                s3(Provider.B2).withRegion("us-west-004").validate().effectiveEndpoint());
        assertEquals(URI.create("https://s3.eu-central-1.wasabisys.com"),
                s3(Provider.WASABI).withRegion("eu-central-1").validate().effectiveEndpoint());
        assertTrue(s3(Provider.MINIO).withEndpoint("http://127.0.0.1:9000").validate().effectivePathStyle());
        assertEquals(URI.create("https://acct.blob.core.windows.net"), ConnectionSpec.of(Provider.AZURE, "c")
                .withAzureAccount("acct", "a2V5", null).validate().effectiveEndpoint());
        assertEquals(URI.create("http://127.0.0.1:1/x"),
                s3(Provider.AWS_S3).withEndpoint("http://127.0.0.1:1/x").effectiveEndpoint(), "explicit wins");
        assertTrue(s3(Provider.AWS_S3).withPathStyle(true).effectivePathStyle());
    }

    @Test
    void validationNamesTheField() {
        assertField("bucket", () -> ConnectionSpec.of(Provider.AWS_S3, " ").withKeys("a", "b").validate());
        assertField("endpoint", () -> s3(Provider.MINIO).validate());
        assertField("endpoint", () -> s3(Provider.S3_COMPATIBLE).withEndpoint("ftp://x").validate());
        assertField("endpoint", () -> s3(Provider.S3_COMPATIBLE).withEndpoint("not a url").validate());
        assertField("region", () -> s3(Provider.B2).validate());
        assertField("secret-key", () -> ConnectionSpec.of(Provider.AWS_S3, "b").withKeys("a", null).validate());
        assertField("access-key", () -> ConnectionSpec.of(Provider.AWS_S3, "b").validate());
        assertField("external-id", () -> s3(Provider.AWS_S3).withRole(null, "x").validate());
        assertField("account-name", () -> ConnectionSpec.of(Provider.R2, "b").withKeys("a", "b").validate());
        assertField("account-name", () -> ConnectionSpec.of(Provider.AZURE, "c").validate());
        assertField("account-key", () -> ConnectionSpec.of(Provider.AZURE, "c").withAzureAccount("a", null, null)
                .validate());
        assertField("account-key", () -> ConnectionSpec.of(Provider.AZURE, "c").withAzureAccount("a", "k", "sas")
                .validate());
        assertField("endpoint", () -> ConnectionSpec.of(Provider.LOCAL, "b").validate());
        assertField("provider", () -> Provider.fromId("dropbox"));
        // a role alone uses the default credential chain for the STS call
        ConnectionSpec.of(Provider.AWS_S3, "b").withRole("arn:aws:iam::123:role/r", "ext").validate();
        assertEquals(Provider.R2, Provider.fromId(" R2 "));
    }

    @Test
    void secretsNeverPrint() {
        String s = ConnectionSpec.of(Provider.AWS_S3, "b").withKeys("AKIASECRETID", "topsecret").toString();
        assertFalse(s.contains("topsecret"), s);
        assertFalse(s.contains("AKIASECRETID"), s);
        String a = ConnectionSpec.of(Provider.AZURE, "c").withAzureAccount("acct", "azurekey", null).toString();
        assertFalse(a.contains("azurekey"), a);
    }

    private static void assertField(String field, org.junit.jupiter.api.function.Executable call) {
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class, call);
        assertTrue(e.getMessage().startsWith(field + ":"), "message names " + field + ": " + e.getMessage());
        assertFalse(e.getMessage().contains("\n"), "one line");
    }
}
