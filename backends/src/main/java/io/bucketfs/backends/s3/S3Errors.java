package io.bucketfs.backends.s3;

import io.bucketfs.backends.ObjectStoreException;
import io.bucketfs.backends.ObjectStoreException.Kind;
import java.io.IOException;
import java.io.InterruptedIOException;
import java.util.Locale;
import java.util.Set;
import software.amazon.awssdk.awscore.exception.AwsErrorDetails;
import software.amazon.awssdk.awscore.exception.AwsServiceException;
import software.amazon.awssdk.core.exception.AbortedException;
import software.amazon.awssdk.core.exception.ApiCallAttemptTimeoutException;
import software.amazon.awssdk.core.exception.ApiCallTimeoutException;
import software.amazon.awssdk.core.exception.SdkClientException;
import software.amazon.awssdk.core.exception.SdkServiceException;

/**
 * The one place where AWS SDK failures become {@link ObjectStoreException}s. The kind is decided from the HTTP
 * status and the S3 error code (never from message text); the message names the operation, the key, the S3
 * error code, the status and the request id so that logs say what happened without a stack trace.
 */
final class S3Errors {

    /** Error codes meaning "there is no such thing" whatever the status. */
    private static final Set<String> NOT_FOUND_CODES = Set.of("NoSuchKey", "NoSuchUpload", "NoSuchBucket",
            "NoSuchVersion");

    /** Error codes meaning the credentials were rejected or lack permission. */
    private static final Set<String> ACCESS_CODES = Set.of("AccessDenied", "InvalidAccessKeyId",
            "SignatureDoesNotMatch", "ExpiredToken", "InvalidToken", "TokenRefreshRequired", "AllAccessDisabled",
            "InvalidClientTokenId", "AccountProblem");

    /** Error codes with which S3 and S3-compatibles ask the client to slow down. */
    private static final Set<String> THROTTLING_CODES = Set.of("SlowDown", "Throttling", "ThrottlingException",
            "ThrottledException", "RequestThrottled", "RequestThrottledException", "TooManyRequests",
            "TooManyRequestsException", "RequestLimitExceeded", "BandwidthLimitExceeded",
            "ProvisionedThroughputExceededException", "EC2ThrottledException", "PriorRequestNotComplete");

    /** Error codes that are server-side or timing trouble even when sent with a 4xx status. */
    private static final Set<String> TRANSIENT_CODES = Set.of("RequestTimeout", "InternalError",
            "ServiceUnavailable", "IDPCommunicationError");

    private S3Errors() {
    }

    /** Maps any failure of an SDK call for {@code operation} on {@code key} (may be null) to its kind. */
    static ObjectStoreException map(String operation, String key, Throwable failure) {
        if (failure instanceof ObjectStoreException ose) {
            return ose;
        }
        String what = key == null ? operation : operation + " '" + key + "'";
        if (failure instanceof SdkServiceException service) {
            return fromService(what, service);
        }
        if (failure instanceof SdkClientException client) {
            return fromClient(what, client);
        }
        if (failure instanceof IOException io) {
            return new ObjectStoreException(Kind.TRANSIENT, what + ": " + describe(io), io);
        }
        if (failure instanceof java.io.UncheckedIOException u) {
            // the SDK's XML parsing of a response body that broke off (a reset, a truncated body)
            return new ObjectStoreException(Kind.TRANSIENT, what + ": " + describe(u.getCause()), u);
        }
        return new ObjectStoreException(Kind.PERMANENT, what + ": " + failure, failure);
    }

    /** The kind for an HTTP status and an S3 error code ({@code null} when the response had no body). */
    static Kind kindOf(int status, String code) {
        if (code != null) {
            if (NOT_FOUND_CODES.contains(code)) {
                return Kind.NOT_FOUND;
            }
            if (THROTTLING_CODES.contains(code)) {
                return Kind.THROTTLED;
            }
            if ("ConditionalRequestConflict".equals(code) || "PreconditionFailed".equals(code)) {
                return Kind.PRECONDITION_FAILED;
            }
            if (ACCESS_CODES.contains(code)) {
                return Kind.ACCESS_DENIED;
            }
            if (TRANSIENT_CODES.contains(code)) {
                return status == 503 ? Kind.THROTTLED : Kind.TRANSIENT;
            }
        }
        return kindOfStatus(status);
    }

    private static Kind kindOfStatus(int status) {
        if (status == 304) {
            return Kind.NOT_MODIFIED;
        }
        if (status == 404) {
            return Kind.NOT_FOUND;
        }
        if (status == 412) {
            return Kind.PRECONDITION_FAILED;
        }
        if (status == 401 || status == 403) {
            return Kind.ACCESS_DENIED;
        }
        if (status == 429 || status == 503) {
            return Kind.THROTTLED;
        }
        if (status == 408 || status >= 500) {
            return Kind.TRANSIENT;
        }
        return Kind.PERMANENT;
    }

    private static ObjectStoreException fromService(String what, SdkServiceException e) {
        int status = e.statusCode();
        String code = null;
        String message = null;
        if (e instanceof AwsServiceException aws) {
            AwsErrorDetails details = aws.awsErrorDetails();
            if (details != null) {
                code = blankToNull(details.errorCode());
                message = blankToNull(details.errorMessage());
            }
        }
        Kind kind = kindOf(status, code);
        StringBuilder sb = new StringBuilder(what).append(": ");
        sb.append(code != null ? code : "HTTP error").append(" (HTTP ").append(status).append(')');
        if (message != null) {
            sb.append(": ").append(message);
        }
        if (e.requestId() != null) {
            sb.append(" [request ").append(e.requestId()).append(']');
        }
        return new ObjectStoreException(kind, sb.toString(), e);
    }

    private static ObjectStoreException fromClient(String what, SdkClientException e) {
        // A credentials provider (STS) wraps the service's answer in a client exception: judge the answer.
        for (Throwable c = e.getCause(); c != null; c = c.getCause()) {
            if (c instanceof SdkServiceException service) {
                ObjectStoreException inner = fromService(what + " (credentials)", service);
                return new ObjectStoreException(inner.kind(), inner.getMessage(), e);
            }
        }
        if (e instanceof ApiCallAttemptTimeoutException || e instanceof ApiCallTimeoutException) {
            return new ObjectStoreException(Kind.TRANSIENT, what + ": timed out: " + e.getMessage(), e);
        }
        if (e instanceof AbortedException) {
            return new ObjectStoreException(Kind.TRANSIENT, what + ": aborted: " + e.getMessage(), e);
        }
        IOException io = ioCause(e);
        if (io != null) {
            return new ObjectStoreException(Kind.TRANSIENT, what + ": " + describe(io), e);
        }
        if (truncatedBody(e)) {
            // a response cut off mid-body (the connection dropped while the XML streamed): try again
            return new ObjectStoreException(Kind.TRANSIENT, what + ": response cut short: " + e.getMessage(), e);
        }
        return new ObjectStoreException(Kind.PERMANENT, what + ": " + e.getMessage(), e);
    }

    /** Whether an XML answer ended before it was complete (an end-of-file inside the document). */
    static boolean truncatedBody(Throwable t) {
        for (Throwable c = t; c != null; c = c.getCause()) {
            if (c instanceof javax.xml.stream.XMLStreamException x && x.getMessage() != null
                    && x.getMessage().contains("Unexpected EOF")) {
                return true;
            }
            if (c == c.getCause()) {
                break;
            }
        }
        return false;
    }

    private static IOException ioCause(Throwable t) {
        for (Throwable c = t.getCause(); c != null; c = c.getCause()) {
            if (c instanceof IOException io) {
                return io;
            }
            if (c == c.getCause()) {
                break;
            }
        }
        return null;
    }

    private static String describe(IOException io) {
        String kind = io instanceof InterruptedIOException ? "timed out or interrupted" : "connection failed";
        return kind + " (" + io.getClass().getSimpleName() + ": " + io.getMessage() + ")";
    }

    private static String blankToNull(String s) {
        return s == null || s.isBlank() ? null : s.trim();
    }

    /** Whether the failure is S3's answer to a range that starts at or past the end of the object. */
    static boolean isInvalidRange(Throwable failure) {
        if (failure instanceof SdkServiceException service && service.statusCode() == 416) {
            return true;
        }
        return failure instanceof AwsServiceException aws && aws.awsErrorDetails() != null
                && "InvalidRange".equals(aws.awsErrorDetails().errorCode());
    }

    /** Whether the failure says the bucket itself is missing (as opposed to the key). */
    static boolean isNoSuchBucket(Throwable failure) {
        return failure instanceof AwsServiceException aws && aws.awsErrorDetails() != null
                && "NoSuchBucket".equals(aws.awsErrorDetails().errorCode());
    }

    /** The kind for an error code reported per key in a DeleteObjects answer (which carries no status). */
    static Kind kindOfCode(String code) {
        if (code == null) {
            return Kind.PERMANENT;
        }
        Kind k = kindOf(0, code);
        if (k != Kind.PERMANENT) {
            return k;
        }
        String lower = code.toLowerCase(Locale.ROOT);
        return lower.contains("internal") || lower.contains("unavailable") ? Kind.TRANSIENT : Kind.PERMANENT;
    }
}
