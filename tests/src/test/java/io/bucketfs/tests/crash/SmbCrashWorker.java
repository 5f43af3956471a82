package io.bucketfs.tests.crash;

import com.hierynomus.msdtyp.AccessMask;
import com.hierynomus.msfscc.FileAttributes;
import com.hierynomus.msfscc.fileinformation.FileIdBothDirectoryInformation;
import com.hierynomus.mssmb2.SMB2CreateDisposition;
import com.hierynomus.mssmb2.SMB2CreateOptions;
import com.hierynomus.mssmb2.SMB2Dialect;
import com.hierynomus.mssmb2.SMB2ShareAccess;
import com.hierynomus.smbj.SMBClient;
import com.hierynomus.smbj.SmbConfig;
import com.hierynomus.smbj.auth.AuthenticationContext;
import com.hierynomus.smbj.share.DiskShare;
import com.hierynomus.smbj.share.File;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.util.EnumSet;
import java.util.Set;
import java.util.TreeMap;
import java.util.concurrent.TimeUnit;

/**
 * The crash test's SMB 3.1.1 client (SMBJ, share {@code default}): files are opened FILE_CREATE or FILE_OVERWRITE,
 * written in {@link #WRITE_BYTES} requests without write-through, and made durable either by FLUSH (then CLOSE) or
 * by CLOSE alone — the mount's policy makes both a durability point; renames are SET_INFO FileRenameInformation
 * with ReplaceIfExists, removes are delete-on-close opens.
 */
final class SmbCrashWorker extends CrashWorker<File> {

    private final SMBClient client;
    private final DiskShare share;
    private final String dir;

    /** Connects as {@code user}, and makes directory {@code dirName} of the share if missing. */
    SmbCrashWorker(CrashLedger ledger, int workerId, long seed, int port, String user, String password,
                   String dirName) throws Exception {
        super(ledger, workerId, seed);
        client = new SMBClient(SmbConfig.builder().withDialects(SMB2Dialect.SMB_3_1_1)
                .withTimeout(30, TimeUnit.SECONDS).withSoTimeout(30, TimeUnit.SECONDS).build());
        share = (DiskShare) client.connect("127.0.0.1", port)
                .authenticate(new AuthenticationContext(user, password.toCharArray(), "WORKGROUP"))
                .connectShare("default");
        if (!share.folderExists(dirName)) {
            share.mkdir(dirName);
        }
        dir = dirName;
    }

    private String path(String name) {
        return path(dir, name);
    }

    private static String path(String dir, String name) {
        return dir + "\\" + name;
    }

    private File open(String name, SMB2CreateDisposition disposition, AccessMask... access) {
        return openPath(path(name), disposition, access);
    }

    private File openPath(String path, SMB2CreateDisposition disposition, AccessMask... access) {
        return share.openFile(path, Set.of(access), EnumSet.of(FileAttributes.FILE_ATTRIBUTE_NORMAL),
                SMB2ShareAccess.ALL, disposition, EnumSet.of(SMB2CreateOptions.FILE_NON_DIRECTORY_FILE));
    }

    @Override
    protected File createFile(String name) {
        return open(name, SMB2CreateDisposition.FILE_CREATE, AccessMask.GENERIC_READ, AccessMask.GENERIC_WRITE);
    }

    @Override
    protected File truncateFile(String name) {
        return open(name, SMB2CreateDisposition.FILE_OVERWRITE, AccessMask.GENERIC_READ, AccessMask.GENERIC_WRITE);
    }

    @Override
    protected void write(File file, long offset, byte[] data) throws IOException {
        long n = file.write(data, offset);
        if (n != data.length) {
            throw new IOException("short WRITE: " + n + " of " + data.length);
        }
    }

    @Override
    protected void commitAndClose(File file, java.util.function.Consumer<String> acked) {
        if (random.nextBoolean()) {
            file.flush();
            acked.accept("FLUSH");
            file.close();
        } else {
            file.close();
            acked.accept("CLOSE");
        }
    }

    @Override
    protected void rename(String from, String to) {
        try (File f = open(from, SMB2CreateDisposition.FILE_OPEN, AccessMask.DELETE,
                AccessMask.FILE_READ_ATTRIBUTES)) {
            f.rename(path(to), true);
        }
    }

    @Override
    protected void remove(String name) {
        share.rm(path(name));
    }

    @Override
    TreeMap<String, byte[]> readAll(String dir) throws IOException {
        TreeMap<String, byte[]> out = new TreeMap<>();
        for (FileIdBothDirectoryInformation e : share.list(dir)) {
            String name = e.getFileName();
            if (name.equals(".") || name.equals("..")) {
                continue;
            }
            try (File f = openPath(path(dir, name), SMB2CreateDisposition.FILE_OPEN, AccessMask.GENERIC_READ)) {
                ByteArrayOutputStream bytes = new ByteArrayOutputStream();
                byte[] buf = new byte[65536];
                long offset = 0;
                int n;
                while ((n = f.read(buf, offset)) > 0) {
                    bytes.write(buf, 0, n);
                    offset += n;
                }
                out.put(name, bytes.toByteArray());
            }
        }
        return out;
    }

    @Override
    public void close() {
        client.close();
    }
}
