package io.bucketfs.backends.azure;

import com.azure.core.exception.HttpResponseException;
import com.azure.core.http.HttpHeaderName;
import com.azure.core.http.HttpResponse;
import com.azure.storage.blob.models.BlobStorageException;
import io.bucketfs.backends.ObjectStoreException;
import io.bucketfs.backends.ObjectStoreException.Kind;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.util.concurrent.TimeoutException;

/**
 * The one place where failures of the Azure SDK become {@link ObjectStoreException}s with a {@link Kind}.
 *
 * <table>
 *   <caption>HTTP status (and Azure error code) to kind</caption>
 *   <tr><th>answer</th><th>kind</th></tr>
 *   <tr><td>304</td><td>NOT_MODIFIED</td></tr>
 *   <tr><td>404 (BlobNotFound, ContainerNotFound, …)</td><td>NOT_FOUND</td></tr>
 *   <tr><td>412; 409 BlobAlreadyExists (a create-only write lost)</td><td>PRECONDITION_FAILED</td></tr>
 *   <tr><td>401, 403</td><td>ACCESS_DENIED</td></tr>
 *   <tr><td>429; 503 ServerBusy</td><td>THROTTLED</td></tr>
 *   <tr><td>408, other 5xx</td><td>TRANSIENT</td></tr>
 *   <tr><td>other 4xx (and any other status)</td><td>PERMANENT</td></tr>
 *   <tr><td>no answer: I/O errors, connection failures, timeouts</td><td>TRANSIENT</td></tr>
 * </table>
 * Anything else the SDK throws (a bug, a misuse) is PERMANENT with the original as the cause.
 */
final class AzureErrors {

    /** The error code Azure sends in {@code x-ms-error-code} when a create-only write finds the blob. */
    static final String BLOB_ALREADY_EXISTS = "BlobAlreadyExists";
    /** The error code of a 503 that asks the client to slow down. */
    static final String SERVER_BUSY = "ServerBusy";
    private static final HttpHeaderName ERROR_CODE_HEADER = HttpHeaderName.fromString("x-ms-error-code");

    private AzureErrors() {
    }

    /**
     * Maps {@code failure} of {@code operation} on {@code key} (may be {@code null}) to a typed exception. An
     * {@link ObjectStoreException} anywhere in the cause chain is returned as it is.
     */
    static ObjectStoreException map(String operation, String key, Throwable failure) {
        String what = key == null ? operation : operation + " '" + key + "'";
        for (Throwable t = failure; t != null; t = t.getCause()) {
            if (t instanceof ObjectStoreException o) {
                return o;
            }
            if (t instanceof HttpResponseException h && h.getResponse() != null) {
                int status = h.getResponse().getStatusCode();
                String code = errorCode(h);
                return new ObjectStoreException(kindOf(status, code), what + ": HTTP " + status
                        + (code != null ? " " + code : ""), failure);
            }
            if (t == t.getCause()) {
                break;
            }
        }
        for (Throwable t = failure; t != null && t != t.getCause(); t = t.getCause()) {
            if (t instanceof IOException || t instanceof UncheckedIOException || t instanceof TimeoutException
                    || t instanceof InterruptedException) {
                if (t instanceof InterruptedException) {
                    Thread.currentThread().interrupt();
                }
                return new ObjectStoreException(Kind.TRANSIENT, what + ": " + describe(t), failure);
            }
        }
        return new ObjectStoreException(Kind.PERMANENT, what + ": unexpected " + describe(failure), failure);
    }

    /** The kind of an HTTP answer {@code status} with Azure error code {@code code} (may be {@code null}). */
    static Kind kindOf(int status, String code) {
        switch (status) {
            case 304:
                return Kind.NOT_MODIFIED;
            case 401:
            case 403:
                return Kind.ACCESS_DENIED;
            case 404:
                return Kind.NOT_FOUND;
            case 408:
                return Kind.TRANSIENT;
            case 409:
                return BLOB_ALREADY_EXISTS.equals(code) ? Kind.PRECONDITION_FAILED : Kind.PERMANENT;
            case 412:
                return Kind.PRECONDITION_FAILED;
            case 429:
                return Kind.THROTTLED;
            case 503:
                return SERVER_BUSY.equals(code) ? Kind.THROTTLED : Kind.TRANSIENT;
            default:
                return status >= 500 && status <= 599 ? Kind.TRANSIENT : Kind.PERMANENT;
        }
    }

    /** The Azure error code of an answer: the SDK's parsed code, else the {@code x-ms-error-code} header. */
    static String errorCode(HttpResponseException e) {
        if (e instanceof BlobStorageException b && b.getErrorCode() != null) {
            return b.getErrorCode().toString();
        }
        HttpResponse r = e.getResponse();
        return r == null ? null : r.getHeaderValue(ERROR_CODE_HEADER);
    }

    private static String describe(Throwable t) {
        String m = t.getMessage();
        if (m != null) {
            int nl = m.indexOf('\n');
            m = nl >= 0 ? m.substring(0, nl) : m;
        }
        return t.getClass().getSimpleName() + (m == null || m.isBlank() ? "" : " (" + m.trim() + ")");
    }
}
