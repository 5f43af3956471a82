package io.bucketfs.backends.s3;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.bucketfs.backends.ObjectStoreException;
import io.bucketfs.backends.ObjectStoreException.Kind;
import java.io.UncheckedIOException;
import java.net.ConnectException;
import java.net.SocketException;
import java.net.SocketTimeoutException;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import software.amazon.awssdk.awscore.exception.AwsErrorDetails;
import software.amazon.awssdk.core.exception.AbortedException;
import software.amazon.awssdk.core.exception.ApiCallAttemptTimeoutException;
import software.amazon.awssdk.core.exception.ApiCallTimeoutException;
import software.amazon.awssdk.core.exception.SdkClientException;
import software.amazon.awssdk.services.s3.model.NoSuchKeyException;
import software.amazon.awssdk.services.s3.model.S3Exception;
import software.amazon.awssdk.services.sts.model.StsException;

/** The SDK-failure → {@link Kind} mapping, over SDK exception objects as the SDK builds them. */
@Timeout(value = 10, unit = TimeUnit.SECONDS)
class S3ErrorsTest {

    private static S3Exception s3(int status, String code) {
        return (S3Exception) S3Exception.builder().statusCode(status).requestId("REQ1")
                .message(code + " message")
                .awsErrorDetails(AwsErrorDetails.builder().errorCode(code).errorMessage("the message")
                        .serviceName("S3").build())
                .build();
    }

    private static Kind kind(Throwable t) {
        return S3Errors.map("OP", "key", t).kind();
    }

    @Test
    void aResponseCutOffMidBodyIsTransient() {
        SdkClientException cut = SdkClientException.builder().message("Could not parse XML response.")
                .cause(new javax.xml.stream.XMLStreamException("Unexpected EOF; was expecting a close tag for element <Key>"))
                .build();
        assertEquals(Kind.TRANSIENT, kind(cut));
        SdkClientException other = SdkClientException.builder().message("Unable to marshall request").build();
        assertEquals(Kind.PERMANENT, kind(other));
    }

    @Test
    void notFound() {
        assertEquals(Kind.NOT_FOUND, kind(s3(404, "NoSuchKey")));
        assertEquals(Kind.NOT_FOUND, kind(s3(404, "NoSuchUpload")));
        assertEquals(Kind.NOT_FOUND, kind(s3(404, "NoSuchBucket")));
        assertEquals(Kind.NOT_FOUND, kind(s3(404, null)), "HEAD answers carry no code");
        assertEquals(Kind.NOT_FOUND, kind(NoSuchKeyException.builder().statusCode(404).build()));
    }

    @Test
    void conditions() {
        assertEquals(Kind.PRECONDITION_FAILED, kind(s3(412, "PreconditionFailed")));
        assertEquals(Kind.PRECONDITION_FAILED, kind(s3(412, null)));
        assertEquals(Kind.PRECONDITION_FAILED, kind(s3(409, "ConditionalRequestConflict")));
        assertEquals(Kind.NOT_MODIFIED, kind(s3(304, null)));
        assertEquals(Kind.PERMANENT, kind(s3(409, "BucketNotEmpty")), "other 409s are not conditions");
    }

    @Test
    void accessDenied() {
        for (String code : new String[] {"AccessDenied", "InvalidAccessKeyId", "SignatureDoesNotMatch"}) {
            assertEquals(Kind.ACCESS_DENIED, kind(s3(403, code)), code);
        }
        assertEquals(Kind.ACCESS_DENIED, kind(s3(401, null)));
        assertEquals(Kind.ACCESS_DENIED, kind(s3(403, null)));
        assertEquals(Kind.ACCESS_DENIED, kind(s3(400, "ExpiredToken")));
    }

    @Test
    void throttling() {
        assertEquals(Kind.THROTTLED, kind(s3(503, "SlowDown")));
        assertEquals(Kind.THROTTLED, kind(s3(503, "ServiceUnavailable")));
        assertEquals(Kind.THROTTLED, kind(s3(503, null)));
        assertEquals(Kind.THROTTLED, kind(s3(429, "TooManyRequests")));
        assertEquals(Kind.THROTTLED, kind(s3(400, "Throttling")));
        assertEquals(Kind.THROTTLED, kind(s3(400, "RequestLimitExceeded")));
    }

    @Test
    void transientServerAndConnectionFailures() {
        assertEquals(Kind.TRANSIENT, kind(s3(500, "InternalError")));
        assertEquals(Kind.TRANSIENT, kind(s3(502, null)));
        assertEquals(Kind.TRANSIENT, kind(s3(504, "GatewayTimeout")));
        assertEquals(Kind.TRANSIENT, kind(s3(400, "RequestTimeout")), "S3's idle-socket timeout is a 400");
        assertEquals(Kind.TRANSIENT, kind(SdkClientException.builder().message("Unable to execute HTTP request")
                .cause(new ConnectException("Connection refused")).build()));
        assertEquals(Kind.TRANSIENT, kind(SdkClientException.builder().message("reset")
                .cause(new SocketException("Connection reset")).build()));
        assertEquals(Kind.TRANSIENT, kind(SdkClientException.builder().message("read timed out")
                .cause(new UncheckedIOException(new SocketTimeoutException("Read timed out"))).build()));
        assertEquals(Kind.TRANSIENT, kind(ApiCallAttemptTimeoutException.builder().message("attempt").build()));
        assertEquals(Kind.TRANSIENT, kind(ApiCallTimeoutException.builder().message("call").build()));
        assertEquals(Kind.TRANSIENT, kind(AbortedException.builder().message("aborted").build()));
        assertEquals(Kind.TRANSIENT, kind(new java.io.IOException("body read failed")));
        // what the SDK's XML unmarshaller throws when a LIST body breaks off (seen through the fault proxy)
        assertEquals(Kind.TRANSIENT, kind(new UncheckedIOException(new SocketException("Connection reset"))));
    }

    @Test
    void otherClientErrorsArePermanent() {
        assertEquals(Kind.PERMANENT, kind(s3(400, "EntityTooSmall")));
        assertEquals(Kind.PERMANENT, kind(s3(400, "InvalidArgument")));
        assertEquals(Kind.PERMANENT, kind(s3(416, "InvalidRange")));
        assertEquals(Kind.PERMANENT, kind(s3(411, "MissingContentLength")));
        assertEquals(Kind.PERMANENT, kind(SdkClientException.builder().message("Unable to marshall request").build()));
        assertEquals(Kind.PERMANENT, kind(new IllegalStateException("bug")));
    }

    @Test
    void stsFailuresInsideCredentialResolutionAreJudgedByTheirAnswer() {
        StsException denied = (StsException) StsException.builder().statusCode(403)
                .awsErrorDetails(AwsErrorDetails.builder().errorCode("AccessDenied").build()).build();
        assertEquals(Kind.ACCESS_DENIED, kind(SdkClientException.builder().message("Unable to load credentials")
                .cause(denied).build()));
        StsException down = (StsException) StsException.builder().statusCode(500)
                .awsErrorDetails(AwsErrorDetails.builder().errorCode("InternalFailure").build()).build();
        assertEquals(Kind.TRANSIENT, kind(SdkClientException.builder().cause(down).build()));
    }

    @Test
    void messageNamesOperationKeyCodeStatusAndRequestButKindDecides() {
        ObjectStoreException e = S3Errors.map("GET", "a/b", s3(403, "SignatureDoesNotMatch"));
        String m = e.getMessage();
        assertTrue(m.contains("GET 'a/b'") && m.contains("SignatureDoesNotMatch") && m.contains("403")
                && m.contains("REQ1"), m);
        assertTrue(e.getCause() instanceof S3Exception);
        ObjectStoreException already = new ObjectStoreException(Kind.NOT_FOUND, "x");
        assertSame(already, S3Errors.map("OP", "k", already));
    }

    @Test
    void helpers() {
        assertTrue(S3Errors.isInvalidRange(s3(416, "InvalidRange")));
        assertFalse(S3Errors.isInvalidRange(s3(400, "InvalidArgument")));
        assertTrue(S3Errors.isNoSuchBucket(s3(404, "NoSuchBucket")));
        assertFalse(S3Errors.isNoSuchBucket(s3(404, "NoSuchKey")));
        assertEquals(Kind.NOT_FOUND, S3Errors.kindOfCode("NoSuchKey"));
        assertEquals(Kind.ACCESS_DENIED, S3Errors.kindOfCode("AccessDenied"));
        assertEquals(Kind.TRANSIENT, S3Errors.kindOfCode("InternalError"));
        assertEquals(Kind.THROTTLED, S3Errors.kindOfCode("SlowDown"));
        assertEquals(Kind.PERMANENT, S3Errors.kindOfCode("InvalidObjectState"));
        assertEquals(Kind.PERMANENT, S3Errors.kindOfCode(null));
    }
}
