package io.bucketfs.nfs.v3;

import io.bucketfs.vfs.VfsException;
import org.dcache.oncrpc4j.xdr.XdrAble;

/**
 * One NFSv3 procedure (RFC 1813 section 3.3): its arguments, how it runs against the VFS, and its failure result.
 * Implementations are stateless and thread-safe.
 *
 * @param <A> the procedure's arguments
 */
public interface Nfs3Proc<A extends Nfs3Args> {

    /** The procedure's name in logs. */
    String name();

    /** Fresh, empty arguments to decode into. */
    A newArgs();

    /** Whether the procedure changes the file system (refused with NFS3ERR_ROFS on a read-only export). */
    boolean modifies();

    /** Runs the procedure; a failure is thrown and becomes {@link #failed}. */
    XdrAble run(Nfs3Request rq, A args) throws VfsException, Nfs3Error;

    /**
     * The result for a failure with {@code status}, with whatever post-operation attributes are cheap to find.
     * Never throws.
     *
     * @param rq the request, or {@code null} when the export is unknown or refuses the client (no attributes then)
     */
    XdrAble failed(Nfs3Request rq, A args, int status);
}
