package io.bucketfs.nfs.v3;

import io.bucketfs.nfs.mount.DirPath;
import io.bucketfs.nfs.mount.MountProgram;
import io.bucketfs.nfs.mount.MountRes;
import io.bucketfs.nfs.v3.proc.Commit3;
import io.bucketfs.nfs.v3.proc.Create3;
import io.bucketfs.nfs.v3.proc.Getattr3;
import io.bucketfs.nfs.v3.proc.Lookup3;
import io.bucketfs.nfs.v3.proc.Read3;
import io.bucketfs.nfs.v3.proc.Readdirplus3;
import io.bucketfs.nfs.v3.proc.Rename3;
import io.bucketfs.nfs.v3.proc.Setattr3;
import io.bucketfs.nfs.v3.proc.Write3;
import io.bucketfs.nfs.v3.xdr.DirOpArgs3;
import io.bucketfs.nfs.v3.xdr.DirOpArgsHolder3;
import io.bucketfs.nfs.v3.xdr.FhArgs3;
import io.bucketfs.nfs.v3.xdr.NewObjRes3;
import io.bucketfs.nfs.v3.xdr.Sattr3;
import io.bucketfs.nfs.v3.xdr.WccRes3;
import java.net.InetAddress;
import java.util.concurrent.TimeUnit;
import org.dcache.oncrpc4j.rpc.OncRpcClient;
import org.dcache.oncrpc4j.rpc.RpcAuth;
import org.dcache.oncrpc4j.rpc.RpcAuthTypeUnix;
import org.dcache.oncrpc4j.rpc.RpcCall;
import org.dcache.oncrpc4j.rpc.RpcTransport;
import org.dcache.oncrpc4j.rpc.net.IpProtocolType;
import org.dcache.oncrpc4j.xdr.XdrAble;

/**
 * A small NFSv3 client on oncrpc4j's {@link OncRpcClient} and this module's own XDR classes, for the operations
 * libnfs-utils has no command for (RENAME, REMOVE, MKDIR, SETATTR, COMMIT, READDIRPLUS paging); public, in this
 * module's test jar, for the end-to-end crash test in {@code tests/}.
 */
public final class Nfs3Client implements AutoCloseable {

    private static final long TIMEOUT_SECONDS = 60;

    private final OncRpcClient client;
    private final RpcCall nfs;
    private final RpcCall mount;

    public Nfs3Client(int port) throws Exception {
        this(port, new RpcAuthTypeUnix(0, 0, new int[] {0}, 0, "test"));
    }

    public Nfs3Client(int port, RpcAuth auth) throws Exception {
        client = new OncRpcClient(InetAddress.getLoopbackAddress(), IpProtocolType.TCP, port);
        RpcTransport t = client.connect();
        nfs = new RpcCall(Nfs3Program.PROGRAM, Nfs3Program.VERSION, auth, t);
        mount = new RpcCall(MountProgram.PROGRAM, MountProgram.VERSION, auth, t);
    }

    public <T extends XdrAble> T call(int proc, XdrAble args, T res) throws Exception {
        nfs.call(proc, args, res, TIMEOUT_SECONDS, TimeUnit.SECONDS);
        return res;
    }

    public MountRes mnt(String path) throws Exception {
        MountRes r = new MountRes();
        mount.call(1, new DirPath(path), r, TIMEOUT_SECONDS, TimeUnit.SECONDS);
        return r;
    }

    public io.bucketfs.nfs.mount.MountList dump() throws Exception {
        io.bucketfs.nfs.mount.MountList r = new io.bucketfs.nfs.mount.MountList();
        mount.call(2, org.dcache.oncrpc4j.xdr.XdrVoid.XDR_VOID, r, TIMEOUT_SECONDS, TimeUnit.SECONDS);
        return r;
    }

    /** The root handle of {@code path}, failing the test unless MNT succeeds. */
    public byte[] root(String path) throws Exception {
        MountRes r = mnt(path);
        if (r.status != 0) {
            throw new AssertionError("MNT " + path + ": status " + r.status);
        }
        return r.handle;
    }

    public Getattr3.Res getattr(byte[] fh) throws Exception {
        return call(1, new FhArgs3(fh), new Getattr3.Res());
    }

    public WccRes3 setattr(byte[] fh, Sattr3 attrs, java.time.Instant guard) throws Exception {
        Setattr3.Args a = new Setattr3.Args();
        a.fh = fh;
        a.attrs = attrs;
        a.guard = guard;
        return call(2, a, new WccRes3());
    }

    public Lookup3.Res lookup(byte[] dir, String name) throws Exception {
        return call(3, new DirOpArgsHolder3(new DirOpArgs3(dir, name)), new Lookup3.Res());
    }

    public Read3.Res read(byte[] fh, long offset, int count) throws Exception {
        Read3.Args a = new Read3.Args();
        a.fh = fh;
        a.offset = offset;
        a.count = count;
        return call(6, a, new Read3.Res());
    }

    public Write3.Res write(byte[] fh, long offset, byte[] data, int stable) throws Exception {
        Write3.Args a = new Write3.Args(data.length);
        a.fh = fh;
        a.offset = offset;
        a.count = data.length;
        a.stable = stable;
        a.data = data;
        return call(7, a, new Write3.Res());
    }

    public NewObjRes3 create(byte[] dir, String name, int mode, long verf) throws Exception {
        Create3.Args a = new Create3.Args();
        a.where = new DirOpArgs3(dir, name);
        a.mode = mode;
        a.verf = verf;
        a.attrs = new Sattr3(0644, null, null, null, null, null);
        return call(8, a, new NewObjRes3());
    }

    public NewObjRes3 mkdir(byte[] dir, String name) throws Exception {
        io.bucketfs.nfs.v3.proc.Mkdir3.Args a = new io.bucketfs.nfs.v3.proc.Mkdir3.Args();
        a.where = new DirOpArgs3(dir, name);
        a.attrs = new Sattr3(0755, null, null, null, null, null);
        return call(9, a, new NewObjRes3());
    }

    public WccRes3 remove(byte[] dir, String name) throws Exception {
        return call(12, new DirOpArgsHolder3(new DirOpArgs3(dir, name)), new WccRes3());
    }

    public WccRes3 rmdir(byte[] dir, String name) throws Exception {
        return call(13, new DirOpArgsHolder3(new DirOpArgs3(dir, name)), new WccRes3());
    }

    public Rename3.Res rename(byte[] fromDir, String from, byte[] toDir, String to) throws Exception {
        Rename3.Args a = new Rename3.Args();
        a.from = new DirOpArgs3(fromDir, from);
        a.to = new DirOpArgs3(toDir, to);
        return call(14, a, new Rename3.Res());
    }

    /** COMMIT of the whole file ({@code count} 0: to its end). */
    public Commit3.Res commit(byte[] fh) throws Exception {
        Commit3.Args a = new Commit3.Args();
        a.fh = fh;
        return call(21, a, new Commit3.Res());
    }

    public Readdirplus3.Res readdirplus(byte[] dir, long cookie, long verf, int dircount, int maxcount) throws Exception {
        Readdirplus3.Args a = new Readdirplus3.Args();
        a.fh = dir;
        a.cookie = cookie;
        a.verf = verf;
        a.dircount = dircount;
        a.maxcount = maxcount;
        return call(17, a, new Readdirplus3.Res());
    }

    @Override
    public void close() throws Exception {
        client.close();
    }
}
