package io.bucketfs.smb.server;

import com.hierynomus.asn1.types.primitive.ASN1ObjectIdentifier;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.function.Supplier;

/**
 * The SPNEGO mechanisms the server accepts, by OID, in its order of preference (what NEGOTIATE's NegTokenInit
 * lists): each makes a fresh {@link Authenticator} per exchange. Only NTLMSSP is registered; Kerberos
 * ({@link #KRB5}, {@link #MS_KRB5}) would be registered here once implemented. Choosing follows RFC 4178 3.2:
 * the client's first mechanism when the server has it (its optimistic token is then used), else the first of
 * the client's list the server has (the optimistic token is dropped and the answer names the mechanism).
 */
final class Authenticators {
    /** Kerberos V5 (RFC 4121). */
    static final ASN1ObjectIdentifier KRB5 = new ASN1ObjectIdentifier("1.2.840.113554.1.2.2");
    /** Microsoft's (legacy, mis-encoded) Kerberos V5 OID, which Windows clients list first. */
    static final ASN1ObjectIdentifier MS_KRB5 = new ASN1ObjectIdentifier("1.2.840.48018.1.2.2");

    private final Map<String, Entry> byOid = new LinkedHashMap<>();

    /** A registered mechanism. */
    record Entry(ASN1ObjectIdentifier oid, Supplier<Authenticator> factory) {
    }

    /** NTLMSSP only, with the server's users and name. */
    static Authenticators ntlmOnly(SmbServer server) {
        return new Authenticators().register(Spnego.NTLMSSP, () -> new NtlmAuthenticator(server.users(),
                server.settings().serverName(), server.random()));
    }

    Authenticators register(ASN1ObjectIdentifier oid, Supplier<Authenticator> factory) {
        byOid.put(oid.getValue(), new Entry(oid, factory));
        return this;
    }

    /** The registered mechanisms' OIDs, in preference order. */
    List<ASN1ObjectIdentifier> oids() {
        return byOid.values().stream().map(Entry::oid).toList();
    }

    /** The registered mechanism of {@code oid}, if any. */
    Optional<Entry> get(ASN1ObjectIdentifier oid) {
        return Optional.ofNullable(byOid.get(oid.getValue()));
    }

    /** The first of the client's {@code offered} mechanisms that is registered. */
    Optional<Entry> choose(List<ASN1ObjectIdentifier> offered) {
        return offered.stream().map(this::get).flatMap(Optional::stream).findFirst();
    }
}
