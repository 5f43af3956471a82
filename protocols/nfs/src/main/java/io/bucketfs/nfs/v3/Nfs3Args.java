package io.bucketfs.nfs.v3;

import org.dcache.oncrpc4j.xdr.XdrAble;

/** The arguments of an NFSv3 procedure (RFC 1813 section 3.3): each names the file handle that selects the export. */
public interface Nfs3Args extends XdrAble {

    /** The (first) file handle of the arguments: it selects the export whose rules apply. */
    byte[] handle();
}
