package io.bucketfs.gateway.cli;

/** A failure the user can fix (bad configuration, a data dir in use): printed as one line, no stack trace. */
public class CliException extends RuntimeException {

    public CliException(String message) {
        super(message);
    }

    public CliException(String message, Throwable cause) {
        super(message, cause);
    }
}
