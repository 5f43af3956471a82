package io.bucketfs.backends.s3;

import java.io.InputStream;
import java.util.ArrayList;
import java.util.List;
import org.gaul.s3proxy.blobstore.BlobStore;
import org.gaul.s3proxy.blobstore.ForwardingBlobStore;
import org.gaul.s3proxy.blobstore.domain.MultipartUpload;
import software.amazon.awssdk.core.ResponseInputStream;
import software.amazon.awssdk.services.s3.model.CommonPrefix;
import software.amazon.awssdk.services.s3.model.CompleteMultipartUploadRequest;
import software.amazon.awssdk.services.s3.model.CompleteMultipartUploadResponse;
import software.amazon.awssdk.services.s3.model.CopyObjectRequest;
import software.amazon.awssdk.services.s3.model.CopyObjectResponse;
import software.amazon.awssdk.services.s3.model.CreateMultipartUploadRequest;
import software.amazon.awssdk.services.s3.model.DeleteObjectRequest;
import software.amazon.awssdk.services.s3.model.DeleteObjectResponse;
import software.amazon.awssdk.services.s3.model.GetObjectAclRequest;
import software.amazon.awssdk.services.s3.model.GetObjectAclResponse;
import software.amazon.awssdk.services.s3.model.GetObjectRequest;
import software.amazon.awssdk.services.s3.model.GetObjectResponse;
import software.amazon.awssdk.services.s3.model.HeadObjectRequest;
import software.amazon.awssdk.services.s3.model.HeadObjectResponse;
import software.amazon.awssdk.services.s3.model.ListObjectsV2Request;
import software.amazon.awssdk.services.s3.model.ListObjectsV2Response;
import software.amazon.awssdk.services.s3.model.ObjectCannedACL;
import software.amazon.awssdk.services.s3.model.Part;
import software.amazon.awssdk.services.s3.model.PutObjectRequest;
import software.amazon.awssdk.services.s3.model.PutObjectResponse;
import software.amazon.awssdk.services.s3.model.S3Object;
import software.amazon.awssdk.services.s3.model.UploadPartRequest;
import software.amazon.awssdk.services.s3.model.UploadPartResponse;

/**
 * Lets S3Proxy's file-system blob stores hold what S3 holds: every key is stored with {@link #SUFFIX} appended.
 * The file-system stores map a key to a path, so on their own they cannot keep a file {@code a} next to
 * {@code a/} or {@code a/b} (a file and a directory of one name), and they keep no data under a key ending in
 * {@code /} (it becomes a directory). With the suffix every object is a file of its own ({@code a/} is the file
 * {@code a/<SUFFIX>}), while prefixes, delimiters and the key order (the suffix sorts before every other
 * character) stay as S3 has them. Empty path segments ({@code a//b}) are filled with {@link #EMPTY_SEGMENT} so
 * that the file system does not merge the slashes (such keys may then sort slightly differently from S3 against
 * their siblings; keys must not contain U+0001 or U+0002). Only storage changes: S3Proxy's HTTP, signature, condition and range handling
 * are untouched.
 */
final class FlatKeyBlobStore extends ForwardingBlobStore {

    /** Appended to every stored key; sorts before any character a key holds. */
    static final String SUFFIX = "\u0001";

    FlatKeyBlobStore(BlobStore delegate) {
        super(delegate);
    }

    /** Fills an empty path segment ({@code a//b}, a leading {@code /}), which a file system would drop. */
    static final char EMPTY_SEGMENT = '\u0002';

    static String encode(String key) {
        return key == null ? null : fillEmptySegments(key) + SUFFIX;
    }

    static String decode(String stored) {
        if (stored == null) {
            return null;
        }
        String s = stored.endsWith(SUFFIX) ? stored.substring(0, stored.length() - SUFFIX.length()) : stored;
        return s.replace(String.valueOf(EMPTY_SEGMENT), "");
    }

    static String fillEmptySegments(String s) {
        if (s == null || (!s.startsWith("/") && !s.contains("//"))) {
            return s;
        }
        StringBuilder sb = new StringBuilder(s.length() + 4);
        char previous = '/';
        for (int i = 0; i < s.length(); i++) {
            char c = s.charAt(i);
            if (c == '/' && previous == '/') {
                sb.append(EMPTY_SEGMENT);
            }
            sb.append(c);
            previous = c;
        }
        return sb.toString();
    }

    /** Continuation tokens hold stored keys; XML cannot carry the suffix, so it travels escaped. */
    static String escapeToken(String token) {
        return token == null ? null : token.replace("~", "~~").replace(SUFFIX, "~1");
    }

    static String unescapeToken(String token) {
        if (token == null) {
            return null;
        }
        StringBuilder sb = new StringBuilder(token.length());
        for (int i = 0; i < token.length(); i++) {
            char c = token.charAt(i);
            if (c == '~' && i + 1 < token.length()) {
                char n = token.charAt(++i);
                sb.append(n == '1' ? SUFFIX : String.valueOf(n));
            } else {
                sb.append(c);
            }
        }
        return sb.toString();
    }

    @Override
    public ListObjectsV2Response list(ListObjectsV2Request request) {
        ListObjectsV2Response r = super.list(request.toBuilder()
                .prefix(fillEmptySegments(request.prefix()))
                .continuationToken(unescapeToken(request.continuationToken()))
                .startAfter(request.startAfter() == null ? null : encode(request.startAfter())).build());
        List<S3Object> contents = new ArrayList<>(r.contents().size());
        for (S3Object o : r.contents()) {
            contents.add(o.toBuilder().key(decode(o.key())).build());
        }
        List<CommonPrefix> prefixes = new ArrayList<>(r.commonPrefixes().size());
        for (CommonPrefix p : r.commonPrefixes()) {
            prefixes.add(p.toBuilder().prefix(decode(p.prefix())).build());
        }
        return r.toBuilder().contents(contents).commonPrefixes(prefixes).prefix(request.prefix())
                .continuationToken(request.continuationToken())
                .nextContinuationToken(escapeToken(r.nextContinuationToken()))
                .startAfter(request.startAfter()).build();
    }

    @Override
    public boolean blobExists(String container, String key) {
        return super.blobExists(container, encode(key));
    }

    @Override
    public ObjectCannedACL getBlobAccess(String container, String key) {
        return super.getBlobAccess(container, encode(key));
    }

    @Override
    public ObjectCannedACL getBlobAccess(String container, String key, String versionId) {
        return super.getBlobAccess(container, encode(key), versionId);
    }

    @Override
    public void setBlobAccess(String container, String key, ObjectCannedACL access) {
        super.setBlobAccess(container, encode(key), access);
    }

    @Override
    public void setBlobAccess(String container, String key, ObjectCannedACL access, String versionId) {
        super.setBlobAccess(container, encode(key), access, versionId);
    }

    @Override
    public GetObjectAclResponse getBlobAcl(GetObjectAclRequest request) {
        return super.getBlobAcl(request.toBuilder().key(encode(request.key())).build());
    }

    @Override
    public PutObjectResponse putBlob(PutObjectRequest request, InputStream in) {
        return super.putBlob(request.toBuilder().key(encode(request.key())).build(), in);
    }

    @Override
    public CopyObjectResponse copyBlob(CopyObjectRequest request) {
        return super.copyBlob(request.toBuilder().sourceKey(encode(request.sourceKey()))
                .destinationKey(encode(request.destinationKey())).build());
    }

    @Override
    public HeadObjectResponse blobMetadata(HeadObjectRequest request) {
        return super.blobMetadata(request.toBuilder().key(encode(request.key())).build());
    }

    @Override
    public ResponseInputStream<GetObjectResponse> getBlob(GetObjectRequest request) {
        return super.getBlob(request.toBuilder().key(encode(request.key())).build());
    }

    @Override
    public DeleteObjectResponse removeBlob(DeleteObjectRequest request) {
        return super.removeBlob(request.toBuilder().key(encode(request.key())).build());
    }

    @Override
    public MultipartUpload initiateMultipartUpload(CreateMultipartUploadRequest request) {
        MultipartUpload stored = super.initiateMultipartUpload(request.toBuilder().key(encode(request.key())).build());
        return new MultipartUpload(stored.id(), request, stored.response());
    }

    private static MultipartUpload stored(MultipartUpload upload) {
        return new MultipartUpload(upload.id(),
                upload.request().toBuilder().key(encode(upload.request().key())).build(), upload.response());
    }

    @Override
    public void abortMultipartUpload(MultipartUpload upload) {
        super.abortMultipartUpload(stored(upload));
    }

    @Override
    public CompleteMultipartUploadResponse completeMultipartUpload(MultipartUpload upload,
            CompleteMultipartUploadRequest request) {
        CompleteMultipartUploadResponse r = super.completeMultipartUpload(stored(upload),
                request.toBuilder().key(encode(request.key())).build());
        return r.toBuilder().key(decode(r.key())).build();
    }

    @Override
    public UploadPartResponse uploadMultipartPart(MultipartUpload upload, UploadPartRequest request,
            InputStream in) {
        return super.uploadMultipartPart(stored(upload), request.toBuilder().key(encode(request.key())).build(), in);
    }

    @Override
    public List<Part> listMultipartUpload(MultipartUpload upload) {
        return super.listMultipartUpload(stored(upload));
    }

    @Override
    public List<software.amazon.awssdk.services.s3.model.MultipartUpload> listMultipartUploads(String container) {
        List<software.amazon.awssdk.services.s3.model.MultipartUpload> out = new ArrayList<>();
        for (software.amazon.awssdk.services.s3.model.MultipartUpload u : super.listMultipartUploads(container)) {
            out.add(u.toBuilder().key(decode(u.key())).build());
        }
        return out;
    }
}
