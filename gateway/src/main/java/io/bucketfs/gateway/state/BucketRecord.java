package io.bucketfs.gateway.state;

/**
 * A managed bucket: one the gateway made, on its embedded local store ({@code DATA_DIR/buckets/<name>}) or, with
 * {@code connection}, under the prefix {@code <name>/} of that (read-write) connection's bucket.
 */
public record BucketRecord(String name, String created, String connection) {

    /** A managed bucket on the embedded local store. */
    public BucketRecord(String name, String created) {
        this(name, created, null);
    }

    /** Where its keys start in its store: {@code <name>/} on a connection, nothing on the local store. */
    public String keyPrefix() {
        return connection == null ? "" : name + "/";
    }

    public BucketRecord validate() {
        Names.bucket("name", name);
        if (Names.RESERVED.equals(name)) {
            throw new FieldException(FieldException.Kind.CONFLICT, "name", "'default' is reserved");
        }
        Names.required("created", created);
        return this;
    }
}
