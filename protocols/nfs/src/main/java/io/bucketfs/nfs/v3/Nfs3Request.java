package io.bucketfs.nfs.v3;

import io.bucketfs.nfs.NfsFileHandles;
import io.bucketfs.nfs.NfsSettings;
import io.bucketfs.nfs.export.Export;
import io.bucketfs.nfs.v3.xdr.Fattr3;
import io.bucketfs.nfs.v3.xdr.WccData;
import io.bucketfs.vfs.Attr;
import io.bucketfs.vfs.Caller;
import io.bucketfs.vfs.FileHandle;
import io.bucketfs.vfs.Vfs;
import io.bucketfs.vfs.VfsException;
import io.bucketfs.vfs.VfsStatus;
import java.util.Optional;

/**
 * One NFSv3 call after the export rules were applied: the export its handle names, the caller (root squash
 * applied) and the server's settings; helpers to turn wire handles into VFS handles and VFS attributes into
 * {@code post_op_attr}/{@code wcc_data}.
 */
public final class Nfs3Request {

    private final Export export;
    private final Caller caller;
    private final NfsSettings settings;

    public Nfs3Request(Export export, Caller caller, NfsSettings settings) {
        this.export = export;
        this.caller = caller;
        this.settings = settings;
    }

    public Export export() {
        return export;
    }

    public Vfs vfs() {
        return export.vfs();
    }

    public Caller caller() {
        return caller;
    }

    public NfsSettings settings() {
        return settings;
    }

    /**
     * The VFS handle in {@code fh}: NFS3ERR_BADHANDLE if it is not one of ours, NFS3ERR_XDEV if it belongs to
     * another export than the request's.
     */
    public FileHandle file(byte[] fh) throws VfsException, Nfs3Error {
        Optional<NfsFileHandles.Decoded> d = NfsFileHandles.decode(fh);
        if (d.isEmpty()) {
            throw new VfsException(VfsStatus.BAD_HANDLE, "not a bucketfs handle");
        }
        if (d.get().exportId() != export.id()) {
            throw new Nfs3Error(Nfs3Status.NFS3ERR_XDEV, "handles of two exports in one call");
        }
        return d.get().file();
    }

    /** A file name from the wire, refused when it was not UTF-8. */
    public static String name(String name) throws VfsException {
        if (name == null) {
            throw new VfsException(VfsStatus.BAD_NAME, "name is not UTF-8");
        }
        return name;
    }

    /** The wire handle of {@code file} in this export. */
    public byte[] handle(FileHandle file) {
        return NfsFileHandles.encode(export.id(), file);
    }

    public Fattr3 attr(Attr a) {
        return a == null ? null : Fattr3.of(a, export.id());
    }

    /** The attributes of {@code file}, or {@code null} if they cannot be had (post_op_attr is optional). */
    public Attr attrOrNull(FileHandle file) {
        if (file == null) {
            return null;
        }
        try {
            return vfs().getattr(caller, file);
        } catch (VfsException | RuntimeException e) {
            return null;
        }
    }

    /** post_op_attr of {@code file}. */
    public Fattr3 postOp(FileHandle file) {
        return attr(attrOrNull(file));
    }

    /** post_op_attr of a wire handle, never failing (for failure results). */
    public Fattr3 postOp(byte[] fh) {
        return postOp(fileOrNull(fh));
    }

    /** wcc_data from attributes taken before the operation and the current ones. */
    public WccData wcc(Attr before, FileHandle file) {
        return new WccData(WccData.Before.of(before), postOp(file));
    }

    /** wcc_data of a wire handle after a failure: no pre-operation attributes. */
    public WccData wccAfter(byte[] fh) {
        return new WccData(null, postOp(fh));
    }

    private FileHandle fileOrNull(byte[] fh) {
        try {
            return file(fh);
        } catch (VfsException | Nfs3Error e) {
            return null;
        }
    }

    /** Static helper for failure results when the request may be absent. */
    public static Fattr3 postOp(Nfs3Request rq, byte[] fh) {
        return rq == null ? null : rq.postOp(fh);
    }

    /** Static helper for failure results when the request may be absent. */
    public static WccData wccAfter(Nfs3Request rq, byte[] fh) {
        return rq == null ? WccData.NONE : rq.wccAfter(fh);
    }
}
