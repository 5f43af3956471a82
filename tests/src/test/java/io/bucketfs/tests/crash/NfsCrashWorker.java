package io.bucketfs.tests.crash;

import io.bucketfs.nfs.v3.Nfs3Client;
import io.bucketfs.nfs.v3.proc.Read3;
import io.bucketfs.nfs.v3.proc.Readdirplus3;
import io.bucketfs.nfs.v3.proc.Write3;
import io.bucketfs.nfs.v3.xdr.NewObjRes3;
import io.bucketfs.nfs.v3.xdr.Sattr3;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.util.TreeMap;

/**
 * The crash test's NFSv3 client ({@link Nfs3Client}, MOUNT {@code /default}): files are created GUARDED or truncated
 * by SETATTR, written UNSTABLE in {@link #WRITE_BYTES} requests and made durable by COMMIT; then RENAME and REMOVE.
 */
final class NfsCrashWorker extends CrashWorker<byte[]> {

    private static final int GUARDED = 1;

    private final Nfs3Client client;
    private final byte[] root;
    private final byte[] dir;

    /** Connects and looks up (or makes) directory {@code dirName} of the export's root. */
    NfsCrashWorker(CrashLedger ledger, int workerId, long seed, int port, String dirName) throws Exception {
        super(ledger, workerId, seed);
        client = new Nfs3Client(port);
        root = client.root("/default");
        var found = client.lookup(root, dirName);
        if (found.status == 0) {
            dir = found.object;
        } else {
            NewObjRes3 made = client.mkdir(root, dirName);
            check("MKDIR " + dirName, made.status);
            dir = made.handle;
        }
    }

    private static void check(String what, int status) throws IOException {
        if (status != 0) {
            throw new ErrorReply(what + ": NFS status " + status);
        }
    }

    @Override
    protected byte[] createFile(String name) throws Exception {
        NewObjRes3 r = client.create(dir, name, GUARDED, 0);
        check("CREATE " + name, r.status);
        return r.handle;
    }

    @Override
    protected byte[] truncateFile(String name) throws Exception {
        byte[] fh = lookup(name);
        check("SETATTR size 0 " + name, client.setattr(fh, new Sattr3(null, null, null, 0L, null, null), null).status);
        return fh;
    }

    private byte[] lookup(String name) throws Exception {
        return lookup(dir, name);
    }

    private byte[] lookup(byte[] dir, String name) throws Exception {
        var r = client.lookup(dir, name);
        check("LOOKUP " + name, r.status);
        return r.object;
    }

    @Override
    protected void write(byte[] fh, long offset, byte[] data) throws Exception {
        Write3.Res r = client.write(fh, offset, data, Write3.UNSTABLE);
        check("WRITE", r.status);
        if (r.count != data.length) {
            throw new IOException("short WRITE: " + r.count + " of " + data.length);
        }
    }

    @Override
    protected void commitAndClose(byte[] fh, java.util.function.Consumer<String> acked) throws Exception {
        check("COMMIT", client.commit(fh).status);
        acked.accept("COMMIT");
    }

    @Override
    protected void rename(String from, String to) throws Exception {
        check("RENAME " + from + " " + to, client.rename(dir, from, dir, to).status);
    }

    @Override
    protected void remove(String name) throws Exception {
        check("REMOVE " + name, client.remove(dir, name).status);
    }

    @Override
    TreeMap<String, byte[]> readAll(String dirName) throws Exception {
        var found = client.lookup(root, dirName);
        check("LOOKUP " + dirName, found.status);
        byte[] dir = found.object;
        TreeMap<String, byte[]> out = new TreeMap<>();
        long cookie = 0;
        long verf = 0;
        while (true) {
            Readdirplus3.Res r = client.readdirplus(dir, cookie, verf, 8192, 65536);
            check("READDIRPLUS", r.status);
            for (Readdirplus3.EntryPlus3 e : r.entries) {
                cookie = e.cookie();
                if (!e.name().equals(".") && !e.name().equals("..")) {
                    out.put(e.name(), read(e.handle() != null ? e.handle() : lookup(dir, e.name())));
                }
            }
            verf = r.verf;
            if (r.eof) {
                return out;
            }
        }
    }

    private byte[] read(byte[] fh) throws Exception {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        while (true) {
            Read3.Res r = client.read(fh, out.size(), 65536);
            check("READ", r.status);
            out.write(r.data, 0, r.count);
            if (r.eof || r.count == 0) {
                return out.toByteArray();
            }
        }
    }

    @Override
    public void close() throws Exception {
        client.close();
    }
}
