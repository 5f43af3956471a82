package io.bucketfs.smb.server;

import io.bucketfs.smb.rpc.RpcPipe;

/**
 * An open of a named pipe on IPC$ ([MS-SMB2] 3.3.1.10 Open with a pipe as its file): its RPC endpoint and
 * the pipe's read mode ([MS-FSCC] 2.4.35 FilePipeInformation; message mode unless the client sets byte mode).
 */
final class PipeOpen {
    final long id;
    final TreeConnect tree;
    final String name;
    final RpcPipe rpc;
    volatile boolean messageMode = true;

    PipeOpen(long id, TreeConnect tree, String name, RpcPipe rpc) {
        this.id = id;
        this.tree = tree;
        this.name = name;
        this.rpc = rpc;
    }
}
