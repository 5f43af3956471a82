package io.bucketfs.gateway.state;

import com.fasterxml.jackson.annotation.JsonInclude;
import io.bucketfs.backends.Provider;

/**
 * A connection as the state file keeps it: where a bucket is and the credentials to reach it. The secrets
 * ({@code secretKey}, {@code accountKey}, {@code sasToken}) are sealed by the {@link io.bucketfs.gateway.vault.Vault}
 * ({@code vault:v1:…}); nothing here is ever plaintext at rest.
 *
 * @param readWrite whether mounts of it may write; false (the default) means the gateway never issues a PUT, COPY
 *                  or DELETE against the bucket
 */
@JsonInclude(JsonInclude.Include.NON_NULL)
public record ConnectionRecord(String name, String provider, String bucket, String region, String endpoint,
                               Boolean pathStyle, String accessKey, String secretKey, String roleArn,
                               String externalId, String accountName, String accountKey, String sasToken,
                               boolean readWrite, String created) {

    /** Checks the record's shape (names, provider, which fields go together); secrets must be sealed. */
    public ConnectionRecord validate() {
        Names.name("name", name);
        if (Names.RESERVED.equals(name)) {
            throw new FieldException(FieldException.Kind.CONFLICT, "name", "'default' is reserved");
        }
        Provider p;
        try {
            p = Provider.fromId(provider);
        } catch (IllegalArgumentException e) {
            throw FieldException.invalid("provider", e.getMessage().replaceFirst("^provider: ", ""));
        }
        if (p == Provider.LOCAL) {
            throw FieldException.invalid("provider", "'local' is for managed buckets (bucketfs buckets create)");
        }
        Names.required("created", created);
        for (String[] s : new String[][] {{"secret-key", secretKey}, {"account-key", accountKey},
            {"sas", sasToken}}) {
            if (s[1] != null && !s[1].startsWith(io.bucketfs.gateway.vault.Vault.PREFIX)) {
                throw FieldException.invalid(s[0], "not sealed by the vault");
            }
        }
        return this;
    }

    public Provider providerEnum() {
        return Provider.fromId(provider);
    }
}
