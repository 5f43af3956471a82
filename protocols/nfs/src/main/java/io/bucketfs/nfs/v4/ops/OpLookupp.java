package io.bucketfs.nfs.v4.ops;

import io.bucketfs.nfs.v4.CompoundContext;
import io.bucketfs.nfs.v4.Nfs4Errors;
import io.bucketfs.nfs.v4.Nfs4Exception;
import io.bucketfs.nfs.v4.Node;
import io.bucketfs.nfs.v4.NfsStat4;
import io.bucketfs.vfs.Entry;
import io.bucketfs.vfs.FileType;
import org.dcache.oncrpc4j.xdr.XdrEncodingStream;

/** RFC 8881 18.14 LOOKUPP: the parent directory; an export's root leads to the pseudo root, which has none. */
public final class OpLookupp {

    private OpLookupp() {
    }

    public record Args() implements OpArgs {
        @Override
        public int opcode() {
            return OpCode.LOOKUPP;
        }

        @Override
        public void encode(XdrEncodingStream out) {
        }

        @Override
        public OpRes execute(CompoundContext ctx) throws Nfs4Exception {
            Node n = ctx.current();
            if (n.isPseudoRoot()) {
                throw new Nfs4Exception(NfsStat4.NFS4ERR_NOENT, "the pseudo root has no parent");
            }
            if (n.isExportRoot()) {
                ctx.setCurrent(Node.PSEUDO_ROOT);
            } else {
                if (ctx.getattr(n).type() != FileType.DIRECTORY) {
                    throw new Nfs4Exception(NfsStat4.NFS4ERR_NOTDIR, "LOOKUPP of a non-directory");
                }
                Entry p = Nfs4Errors.vfs(() -> n.vfs().parent(ctx.caller(n), n.handle()));
                ctx.setCurrent(new Node(n.export(), p.handle()));
            }
            return new StatusRes(OpCode.LOOKUPP, NfsStat4.NFS4_OK);
        }
    }
}
