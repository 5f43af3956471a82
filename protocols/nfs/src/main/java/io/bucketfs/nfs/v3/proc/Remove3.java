package io.bucketfs.nfs.v3.proc;

import io.bucketfs.nfs.v3.Nfs3Error;
import io.bucketfs.nfs.v3.Nfs3Proc;
import io.bucketfs.nfs.v3.Nfs3Request;
import io.bucketfs.nfs.v3.Nfs3Status;
import io.bucketfs.nfs.v3.xdr.DirOpArgsHolder3;
import io.bucketfs.nfs.v3.xdr.WccRes3;
import io.bucketfs.vfs.Attr;
import io.bucketfs.vfs.FileHandle;
import io.bucketfs.vfs.VfsException;

/**
 * RFC 1813 section 3.3.12, procedure 12 REMOVE (and, with {@code rmdir}, section 3.3.13, procedure 13 RMDIR):
 * removes a name from a directory.
 */
public final class Remove3 implements Nfs3Proc<DirOpArgsHolder3> {

    private final boolean rmdir;

    /** @param rmdir RMDIR (an empty directory) rather than REMOVE (a file or symlink) */
    public Remove3(boolean rmdir) {
        this.rmdir = rmdir;
    }

    @Override
    public String name() {
        return rmdir ? "RMDIR" : "REMOVE";
    }

    @Override
    public DirOpArgsHolder3 newArgs() {
        return new DirOpArgsHolder3();
    }

    @Override
    public boolean modifies() {
        return true;
    }

    @Override
    public WccRes3 run(Nfs3Request rq, DirOpArgsHolder3 a) throws VfsException, Nfs3Error {
        FileHandle dir = rq.file(a.what.dir());
        String name = Nfs3Request.name(a.what.name());
        if (name.equals(".") || name.equals("..")) {
            throw new Nfs3Error(rmdir && name.equals(".") ? Nfs3Status.NFS3ERR_INVAL : Nfs3Status.NFS3ERR_EXIST,
                    "cannot remove " + name);
        }
        Attr before = rq.attrOrNull(dir);
        if (rmdir) {
            rq.vfs().rmdir(rq.caller(), dir, name);
        } else {
            rq.vfs().remove(rq.caller(), dir, name);
        }
        return new WccRes3(Nfs3Status.NFS3_OK, rq.wcc(before, dir));
    }

    @Override
    public WccRes3 failed(Nfs3Request rq, DirOpArgsHolder3 a, int status) {
        return new WccRes3(status, Nfs3Request.wccAfter(rq, a.what.dir()));
    }
}
