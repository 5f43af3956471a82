package io.bucketfs.smb.ntlm;

import java.util.Optional;

/**
 * Where the SMB server finds the users it authenticates (NTLMv2 needs the NT hash; plaintext passwords are
 * never stored). The gateway implements it over its state; {@link InMemorySmbUsers} serves tests and the
 * generated default user. Kerberos, when it comes, is another authenticator beside NTLM, not another store.
 */
public interface SmbUsers {
    /** The user of this account name, compared case-insensitively; empty when unknown. */
    Optional<SmbUser> lookup(String name);
}
