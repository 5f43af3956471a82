package io.bucketfs.nfs.v4.ops;

import io.bucketfs.nfs.export.Export;
import io.bucketfs.nfs.v4.CompoundContext;
import io.bucketfs.nfs.v4.Nfs4Errors;
import io.bucketfs.nfs.v4.Nfs4Exception;
import io.bucketfs.nfs.v4.Node;
import io.bucketfs.nfs.v4.NfsStat4;
import io.bucketfs.nfs.v4.xdr.XdrUtil;
import io.bucketfs.vfs.Entry;
import org.dcache.oncrpc4j.rpc.OncRpcException;
import org.dcache.oncrpc4j.xdr.XdrDecodingStream;
import org.dcache.oncrpc4j.xdr.XdrEncodingStream;

/** RFC 8881 18.15 LOOKUP: a name in the current directory becomes the current file; in the pseudo root, an export. */
public final class OpLookup {

    private OpLookup() {
    }

    /** @param name {@code component4} */
    public record Args(String name) implements OpArgs {
        @Override
        public int opcode() {
            return OpCode.LOOKUP;
        }

        @Override
        public void encode(XdrEncodingStream out) {
            XdrUtil.utf8(out, name);
        }

        @Override
        public OpRes execute(CompoundContext ctx) throws Nfs4Exception {
            Node dir = ctx.current();
            checkName(name);
            if (dir.isPseudoRoot()) {
                Export e = ctx.service().exports().byName(name).orElseThrow(() -> new Nfs4Exception(
                        NfsStat4.NFS4ERR_NOENT, "no export " + name));
                ctx.admit(e);
                ctx.setCurrent(new Node(e, e.vfs().root()));
            } else {
                Entry en = Nfs4Errors.vfs(() -> dir.vfs().lookup(ctx.caller(dir), dir.handle(), name));
                ctx.setCurrent(new Node(dir.export(), en.handle()));
            }
            return new StatusRes(OpCode.LOOKUP, NfsStat4.NFS4_OK);
        }
    }

    /** RFC 8881 14.2 component names: not empty (INVAL); "." and ".." are BADNAME. */
    public static void checkName(String name) throws Nfs4Exception {
        if (name.isEmpty()) {
            throw new Nfs4Exception(NfsStat4.NFS4ERR_INVAL, "empty name");
        }
        if (name.equals(".") || name.equals("..")) {
            throw new Nfs4Exception(NfsStat4.NFS4ERR_BADNAME, "name " + name);
        }
    }

    public static Args decode(XdrDecodingStream in) throws OncRpcException {
        return new Args(XdrUtil.utf8(in, XdrUtil.MAX_STRING, "component4"));
    }
}
