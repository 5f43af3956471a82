package io.bucketfs.gateway;

import io.bucketfs.backends.ConnectionSpec;
import io.bucketfs.gateway.state.ConnectionRecord;
import io.bucketfs.gateway.vault.Vault;

/** Turns a stored connection into the backends' {@link ConnectionSpec}, opening its secrets from the vault. */
public final class Connections {

    private Connections() {
    }

    /** The vault context of a connection's secret {@code field} ({@code connection/prod/secret-key}). */
    public static String context(String connection, String field) {
        return "connection/" + connection + "/" + field;
    }

    public static ConnectionSpec spec(ConnectionRecord c, Vault vault) {
        return new ConnectionSpec(c.providerEnum(), c.bucket(), c.region(), c.endpoint(), c.pathStyle(),
                c.accessKey(), vault.open(context(c.name(), "secret-key"), c.secretKey()), c.roleArn(),
                c.externalId(), c.accountName(), vault.open(context(c.name(), "account-key"), c.accountKey()),
                vault.open(context(c.name(), "sas"), c.sasToken()));
    }
}
