package io.bucketfs.gateway.state;

/** A managed bucket: one the gateway made on its embedded local store ({@code DATA_DIR/buckets/<name>}). */
public record BucketRecord(String name, String created) {

    public BucketRecord validate() {
        Names.bucket("name", name);
        if (Names.RESERVED.equals(name)) {
            throw new FieldException(FieldException.Kind.CONFLICT, "name", "'default' is reserved");
        }
        Names.required("created", created);
        return this;
    }
}
