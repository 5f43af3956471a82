package io.bucketfs.backends.s3;

import software.amazon.awssdk.core.interceptor.Context;
import software.amazon.awssdk.core.interceptor.ExecutionAttributes;
import software.amazon.awssdk.core.interceptor.ExecutionInterceptor;
import software.amazon.awssdk.http.SdkHttpRequest;

/**
 * Sends every {@code /} of a request path that directly follows another {@code /} as {@code %2F}, before the
 * request is signed. Keys with empty segments ({@code a//b}, a leading {@code /}) are legal in S3, but HTTP servers
 * and proxies in front of S3-compatible stores often merge repeated slashes (nginx {@code merge_slashes}, Jetty's
 * URI normalisation) so that the path they see and the signed one differ. S3 decodes {@code %2F} in the path to
 * {@code /}, so the key is the same either way.
 */
final class EmptySegmentEncoder implements ExecutionInterceptor {

    @Override
    public SdkHttpRequest modifyHttpRequest(Context.ModifyHttpRequest context, ExecutionAttributes attributes) {
        SdkHttpRequest request = context.httpRequest();
        String path = request.encodedPath();
        if (path == null || !path.contains("//")) {
            return request;
        }
        return request.toBuilder().encodedPath(encode(path)).build();
    }

    /** {@code /bucket/a//b} → {@code /bucket/a/%2Fb}; {@code ///} → {@code /%2F%2F}. */
    static String encode(String path) {
        StringBuilder sb = new StringBuilder(path.length() + 8);
        char previous = 0;
        for (int i = 0; i < path.length(); i++) {
            char c = path.charAt(i);
            if (c == '/' && previous == '/') {
                sb.append("%2F");
            } else {
                sb.append(c);
            }
            previous = c;
        }
        return sb.toString();
    }
}
