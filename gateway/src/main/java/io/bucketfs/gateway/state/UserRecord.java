package io.bucketfs.gateway.state;

/**
 * An SMB user. Only the NT hash of the password is kept (NTLMv2 needs nothing more), and since the hash alone is
 * enough to authenticate, it is sealed by the vault as well.
 */
public record UserRecord(String name, String ntHash, String created) {

    public UserRecord validate() {
        Names.user("name", name);
        Names.required("nt-hash", ntHash);
        if (!ntHash.startsWith(io.bucketfs.gateway.vault.Vault.PREFIX)) {
            throw FieldException.invalid("nt-hash", "not sealed by the vault");
        }
        Names.required("created", created);
        return this;
    }
}
