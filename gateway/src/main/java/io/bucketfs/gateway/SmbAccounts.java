package io.bucketfs.gateway;

import io.bucketfs.gateway.state.StateStore;
import io.bucketfs.gateway.state.UserRecord;
import io.bucketfs.gateway.vault.Vault;
import io.bucketfs.smb.ntlm.SmbUser;
import io.bucketfs.smb.ntlm.SmbUsers;
import io.bucketfs.vfs.Caller;
import java.util.Optional;

/**
 * The SMB server's users over the gateway's state: each logon looks the account up in the current state (so
 * {@code users add|delete|passwd} count at once, without a restart) and opens its sealed NT hash. The generated
 * account ({@link io.bucketfs.gateway.state.GatewayState#BUILT_IN_SMB_USER}) admits logons only while no user is
 * configured: the first {@code users add} turns it off, the delete of the last user turns it back on (with the same
 * password, which stays in its file).
 */
final class SmbAccounts implements SmbUsers {

    private static final org.slf4j.Logger LOG = org.slf4j.LoggerFactory.getLogger(SmbAccounts.class);

    private final SmbUser builtin;
    private final StateStore state;
    private final Vault vault;

    SmbAccounts(SmbUser builtin, StateStore state, Vault vault) {
        this.builtin = builtin;
        this.state = state;
        this.vault = vault;
    }

    @Override
    public Optional<SmbUser> lookup(String name) {
        if (builtin.name().equalsIgnoreCase(name)) {
            int users = state.get().users().size();
            if (users == 0) {
                return Optional.of(builtin);
            }
            LOG.info("SMB logon as {} refused: the generated account admits no logon while SMB users are configured "
                    + "({}; see bucketfs users list)", builtin.name(), users);
            return Optional.empty();
        }
        Optional<UserRecord> u = state.get().user(name);
        if (u.isEmpty()) {
            return Optional.empty();
        }
        byte[] hash = vault.openBytes(io.bucketfs.gateway.control.ControlPlane.userContext(u.get().name()), u.get().ntHash());
        try {
            return Optional.of(new SmbUser(u.get().name(), hash, Caller.ROOT));
        } finally {
            java.util.Arrays.fill(hash, (byte) 0);
        }
    }
}
