package io.bucketfs.smb.mssmb2;

/** [MS-SMB2] 2.2.3 dialect revision numbers, kept as ints (unknown values in a request are skipped). */
public final class Dialect {
    public static final int SMB_2_0_2 = 0x0202;
    public static final int SMB_2_1 = 0x0210;
    public static final int SMB_3_0 = 0x0300;
    public static final int SMB_3_0_2 = 0x0302;
    public static final int SMB_3_1_1 = 0x0311;
    /** The dialects this server speaks, most preferred first. */
    public static final int[] SUPPORTED = {SMB_3_1_1, SMB_3_0_2, SMB_3_0, SMB_2_1, SMB_2_0_2};

    private Dialect() {
    }

    public static boolean isSmb3(int dialect) {
        return dialect >= SMB_3_0;
    }

    public static String name(int dialect) {
        return switch (dialect) {
            case SMB_2_0_2 -> "2.0.2";
            case SMB_2_1 -> "2.1";
            case SMB_3_0 -> "3.0";
            case SMB_3_0_2 -> "3.0.2";
            case SMB_3_1_1 -> "3.1.1";
            default -> String.format("0x%04X", dialect);
        };
    }
}
