package io.bucketfs.smb.ntlm;

import io.bucketfs.vfs.Caller;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;

/** Users held in memory as NT hashes; the password given to {@link #add} is hashed and not kept. */
public final class InMemorySmbUsers implements SmbUsers {
    private final Map<String, SmbUser> users = new ConcurrentHashMap<>();

    /** Adds or replaces a user from its password. */
    public InMemorySmbUsers add(String name, char[] password, Caller caller) {
        return add(new SmbUser(name, NtlmCrypto.ntHash(password), caller));
    }

    public InMemorySmbUsers add(SmbUser user) {
        users.put(user.name().toUpperCase(Locale.ROOT), user);
        return this;
    }

    @Override
    public Optional<SmbUser> lookup(String name) {
        return Optional.ofNullable(users.get(name.toUpperCase(Locale.ROOT)));
    }
}
