package io.bucketfs.smb.server;

import io.bucketfs.smb.msfscc.FileInfo;

/** The right an open needs for each SET_INFO file information class ([MS-FSA] 2.1.5.14; 0: none). */
final class SetInfoAccess {
    private SetInfoAccess() {
    }

    static int required(int infoClass) {
        return switch (infoClass) {
            case FileInfo.BASIC -> AccessRights.FILE_WRITE_ATTRIBUTES;
            case FileInfo.END_OF_FILE, FileInfo.ALLOCATION -> AccessRights.FILE_WRITE_DATA;
            case FileInfo.RENAME, FileInfo.DISPOSITION, FileInfo.DISPOSITION_EX -> AccessRights.DELETE;
            case FileInfo.FULL_EA -> AccessRights.FILE_WRITE_EA;
            default -> 0;
        };
    }
}
