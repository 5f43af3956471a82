package io.bucketfs.gateway.state;

/**
 * A request or a state file the gateway refuses, naming the field at fault ({@code bucket},
 * {@code mounts[2].cache-size}) and carrying the HTTP status the admin API answers with. The message is one line
 * meant to follow the field name; it never contains a secret.
 */
public class FieldException extends RuntimeException {

    /** The kinds of refusal, each with its HTTP status. */
    public enum Kind {
        /** The value is malformed or missing. */
        INVALID(400),
        /** The named thing does not exist. */
        NOT_FOUND(404),
        /** The name is taken, or the thing is in use. */
        CONFLICT(409),
        /** Well-formed, but the backend said no (wrong credentials, missing bucket, unreachable endpoint). */
        REJECTED(422),
        /** The gateway could not do it now (a flush that did not finish); nothing was changed. */
        UNAVAILABLE(503);

        private final int status;

        Kind(int status) {
            this.status = status;
        }

        public int status() {
            return status;
        }
    }

    private final Kind kind;
    private final String field;

    public FieldException(Kind kind, String field, String message) {
        super(message);
        this.kind = kind;
        this.field = field;
    }

    public static FieldException invalid(String field, String message) {
        return new FieldException(Kind.INVALID, field, message);
    }

    public Kind kind() {
        return kind;
    }

    public String field() {
        return field;
    }

    /** {@code field: message}, the one line users see. */
    public String line() {
        return field + ": " + getMessage();
    }

    /** The same refusal with the field inside {@code parent} ({@code mounts[2].} + field). */
    public FieldException under(String parent) {
        return new FieldException(kind, parent + "." + field, getMessage());
    }
}
