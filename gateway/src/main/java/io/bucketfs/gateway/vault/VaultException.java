package io.bucketfs.gateway.vault;

/** A sealed value that cannot be opened; the message names its context and never quotes the value. */
public class VaultException extends RuntimeException {

    public VaultException(String message) {
        super(message);
    }
}
