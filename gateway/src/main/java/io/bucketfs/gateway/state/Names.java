package io.bucketfs.gateway.state;

import java.util.regex.Pattern;

/**
 * The names users give: connections, managed buckets, mounts (which are also NFS export paths and SMB share
 * names) and SMB users.
 */
public final class Names {

    /** Connections and mounts: lowercase letters, digits, '-', '_' and '.', starting with a letter or digit. */
    private static final Pattern NAME = Pattern.compile("[a-z0-9][a-z0-9._-]{0,62}");
    /** Managed buckets follow S3's bucket rules (so a managed bucket can move to any provider later). */
    private static final Pattern BUCKET = Pattern.compile("[a-z0-9][a-z0-9.-]{1,61}[a-z0-9]");
    /** SMB account names: what Windows allows in a SAM account name, without the separators. */
    private static final Pattern USER = Pattern.compile("[A-Za-z0-9][A-Za-z0-9._-]{0,19}");

    /** Names that belong to the gateway itself: the embedded default bucket and its mount. */
    public static final String RESERVED = "default";

    private Names() {
    }

    /** Checks a connection or mount name; {@code field} names it in the refusal. */
    public static String name(String field, String value) {
        required(field, value);
        if (!NAME.matcher(value).matches()) {
            throw FieldException.invalid(field, "'" + value + "' is not a valid name (1-63 of a-z 0-9 . _ -, "
                    + "starting with a letter or digit)");
        }
        return value;
    }

    /** Checks a managed bucket name (S3 rules: 3-63 of a-z 0-9 . -, starting and ending with a letter or digit). */
    public static String bucket(String field, String value) {
        required(field, value);
        if (!BUCKET.matcher(value).matches() || value.contains("..")) {
            throw FieldException.invalid(field, "'" + value + "' is not a valid bucket name (3-63 of a-z 0-9 . -, "
                    + "starting and ending with a letter or digit)");
        }
        return value;
    }

    /** Checks an SMB user name (1-20 of A-Z a-z 0-9 . _ -). */
    public static String user(String field, String value) {
        required(field, value);
        if (!USER.matcher(value).matches()) {
            throw FieldException.invalid(field, "'" + value + "' is not a valid user name (1-20 of A-Z a-z 0-9 . _ -)");
        }
        return value;
    }

    public static String required(String field, String value) {
        if (value == null || value.isBlank()) {
            throw FieldException.invalid(field, "required");
        }
        return value;
    }
}
