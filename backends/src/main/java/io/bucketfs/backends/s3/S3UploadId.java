package io.bucketfs.backends.s3;

import io.bucketfs.backends.PutOptions;

/**
 * The opaque {@link io.bucketfs.backends.MultipartUpload#uploadId()} of the S3 store: S3's own upload id, followed
 * by the write condition of the {@link PutOptions} the upload was created with, so that completion can apply it
 * even in another process after a restart. S3 upload ids never contain {@value #SEPARATOR}.
 *
 * <p>Forms: {@code <id>}, {@code <id>|create-only}, {@code <id>|if-match=<etag>}.
 *
 * @param s3UploadId  the upload id S3 gave
 * @param ifMatch     complete only if the key has this ETag, or {@code null}
 * @param createOnly  complete only if the key does not exist
 */
record S3UploadId(String s3UploadId, String ifMatch, boolean createOnly) {

    static final char SEPARATOR = '|';
    private static final String CREATE_ONLY = "create-only";
    private static final String IF_MATCH = "if-match=";

    static S3UploadId of(String s3UploadId, PutOptions options) {
        return new S3UploadId(s3UploadId, options.ifMatch(), options.createOnly());
    }

    /** Parses an id made by {@link #encode()}; an id without a separator is a plain S3 upload id. */
    static S3UploadId parse(String uploadId) {
        int sep = uploadId.indexOf(SEPARATOR);
        if (sep < 0) {
            return new S3UploadId(uploadId, null, false);
        }
        String id = uploadId.substring(0, sep);
        String condition = uploadId.substring(sep + 1);
        if (condition.equals(CREATE_ONLY)) {
            return new S3UploadId(id, null, true);
        }
        if (condition.startsWith(IF_MATCH)) {
            return new S3UploadId(id, condition.substring(IF_MATCH.length()), false);
        }
        throw new IllegalArgumentException("not an upload id of the S3 store: " + uploadId);
    }

    String encode() {
        if (createOnly) {
            return s3UploadId + SEPARATOR + CREATE_ONLY;
        }
        if (ifMatch != null) {
            return s3UploadId + SEPARATOR + IF_MATCH + ifMatch;
        }
        return s3UploadId;
    }
}
