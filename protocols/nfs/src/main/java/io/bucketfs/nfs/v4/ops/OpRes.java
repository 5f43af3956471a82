package io.bucketfs.nfs.v4.ops;

import org.dcache.oncrpc4j.xdr.XdrEncodingStream;

/** The result of one operation ({@code nfs_resop4}, RFC 8881 16.2): its status first, then what it carries. */
public interface OpRes {

    int opcode();

    int status();

    /** Encodes the result union (status and body), without the opcode. */
    void encode(XdrEncodingStream out);
}
