package io.bucketfs.backends.azure;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.azure.core.exception.HttpResponseException;
import com.azure.core.http.HttpHeaderName;
import com.azure.core.http.HttpHeaders;
import com.azure.core.http.HttpMethod;
import com.azure.core.http.HttpRequest;
import com.azure.core.http.HttpResponse;
import com.azure.storage.blob.models.BlobStorageException;
import io.bucketfs.backends.ObjectStoreException;
import io.bucketfs.backends.ObjectStoreException.Kind;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.ConnectException;
import java.net.http.HttpTimeoutException;
import java.nio.ByteBuffer;
import java.nio.charset.Charset;
import java.util.concurrent.TimeoutException;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import reactor.core.publisher.Flux;
import reactor.core.publisher.Mono;

/** {@link AzureErrors} over exception objects built the way the SDK builds them. */
@Timeout(10)
class AzureErrorsTest {

    /** A bodiless answer with a status and an optional {@code x-ms-error-code}. */
    private static final class Answer extends HttpResponse {
        private final int status;
        private final HttpHeaders headers = new HttpHeaders();

        Answer(int status, String code) {
            super(new HttpRequest(HttpMethod.GET, "http://127.0.0.1/devstoreaccount1/c/k"));
            this.status = status;
            if (code != null) {
                headers.set(HttpHeaderName.fromString("x-ms-error-code"), code);
            }
        }

        @Override
        public int getStatusCode() {
            return status;
        }

        @Override
        @Deprecated
        public String getHeaderValue(String name) {
            return headers.getValue(HttpHeaderName.fromString(name));
        }

        @Override
        public HttpHeaders getHeaders() {
            return headers;
        }

        @Override
        public Flux<ByteBuffer> getBody() {
            return Flux.empty();
        }

        @Override
        public Mono<byte[]> getBodyAsByteArray() {
            return Mono.empty();
        }

        @Override
        public Mono<String> getBodyAsString() {
            return Mono.empty();
        }

        @Override
        public Mono<String> getBodyAsString(Charset charset) {
            return Mono.empty();
        }
    }

    private static Kind blob(int status, String code) {
        return AzureErrors.map("op", "k", new BlobStorageException("Status code " + status + ", \"<?xml ...\"",
                new Answer(status, code), null)).kind();
    }

    @Test
    void statusAndErrorCodeDecideTheKind() {
        assertEquals(Kind.NOT_MODIFIED, blob(304, "ConditionNotMet"));
        assertEquals(Kind.NOT_FOUND, blob(404, "BlobNotFound"));
        assertEquals(Kind.NOT_FOUND, blob(404, "ContainerNotFound"));
        assertEquals(Kind.NOT_FOUND, blob(404, null));
        assertEquals(Kind.PRECONDITION_FAILED, blob(412, "ConditionNotMet"));
        assertEquals(Kind.PRECONDITION_FAILED, blob(412, "SourceConditionNotMet"));
        assertEquals(Kind.PRECONDITION_FAILED, blob(409, "BlobAlreadyExists"));
        assertEquals(Kind.PERMANENT, blob(409, "LeaseIdMissing"));
        assertEquals(Kind.ACCESS_DENIED, blob(403, "AuthenticationFailed"));
        assertEquals(Kind.ACCESS_DENIED, blob(403, "AuthorizationPermissionMismatch"));
        assertEquals(Kind.ACCESS_DENIED, blob(401, null));
        assertEquals(Kind.THROTTLED, blob(429, null));
        assertEquals(Kind.THROTTLED, blob(503, "ServerBusy"));
        assertEquals(Kind.TRANSIENT, blob(503, "ServiceUnavailable"));
        assertEquals(Kind.TRANSIENT, blob(500, "InternalError"));
        assertEquals(Kind.TRANSIENT, blob(500, "OperationTimedOut"));
        assertEquals(Kind.TRANSIENT, blob(502, null));
        assertEquals(Kind.TRANSIENT, blob(408, null));
        assertEquals(Kind.PERMANENT, blob(400, "InvalidBlockList"));
        assertEquals(Kind.PERMANENT, blob(413, "RequestBodyTooLarge"));
        assertEquals(Kind.PERMANENT, blob(416, "InvalidRange"));
    }

    @Test
    void genericHttpAnswersUseTheErrorCodeHeader() {
        HttpResponseException e = new HttpResponseException("busy", new Answer(503, "ServerBusy"));
        assertEquals(Kind.THROTTLED, AzureErrors.map("op", "k", e).kind());
        assertEquals(Kind.NOT_FOUND, AzureErrors.map("op", "k",
                new HttpResponseException("gone", new Answer(404, null))).kind());
    }

    @Test
    void ioFailuresAndTimeoutsAreTransientWhereverTheyAreWrapped() {
        assertEquals(Kind.TRANSIENT, AzureErrors.map("op", "k",
                new UncheckedIOException(new ConnectException("Connection refused"))).kind());
        assertEquals(Kind.TRANSIENT, AzureErrors.map("op", "k",
                new RuntimeException("reactive", new ConnectException())).kind());
        assertEquals(Kind.TRANSIENT, AzureErrors.map("op", "k",
                new IllegalStateException(new TimeoutException("Did not observe any item"))).kind());
        assertEquals(Kind.TRANSIENT, AzureErrors.map("op", "k", new HttpTimeoutException("read timed out")).kind());
        assertEquals(Kind.TRANSIENT, AzureErrors.map("op", "k", new IOException("reset")).kind());
    }

    @Test
    void typedExceptionsPassThroughAndOthersArePermanent() {
        ObjectStoreException typed = new ObjectStoreException(Kind.NOT_FOUND, "x");
        assertSame(typed, AzureErrors.map("op", "k", new RuntimeException(typed)));
        ObjectStoreException bug = AzureErrors.map("op", "k", new NullPointerException("oops"));
        assertEquals(Kind.PERMANENT, bug.kind());
        assertTrue(bug.getMessage().startsWith("op 'k': unexpected NullPointerException"), bug.getMessage());
    }

    @Test
    void messagesNameTheOperationAndCodeButNotTheXmlBody() {
        ObjectStoreException e = AzureErrors.map("head", "a/b", new BlobStorageException(
                "Status code 404, \"<?xml version...\"", new Answer(404, "BlobNotFound"), null));
        assertEquals("head 'a/b': HTTP 404 BlobNotFound", e.getMessage());
    }

    @Test
    void everyStatusHasAKind() {
        for (int status = 100; status < 600; status++) {
            Kind k = AzureErrors.kindOf(status, null);
            assertTrue(k != null, "status " + status);
            if (status >= 500) {
                assertTrue(k.retryable(), "5xx retryable: " + status);
            }
            if (status >= 400 && status < 500 && status != 408 && status != 429) {
                assertTrue(!k.retryable(), "4xx not retried: " + status);
            }
        }
    }
}
