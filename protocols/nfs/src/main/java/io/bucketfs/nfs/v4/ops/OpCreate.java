package io.bucketfs.nfs.v4.ops;

import io.bucketfs.nfs.v4.CompoundContext;
import io.bucketfs.nfs.v4.Nfs4Errors;
import io.bucketfs.nfs.v4.Nfs4Exception;
import io.bucketfs.nfs.v4.Node;
import io.bucketfs.nfs.v4.NfsStat4;
import io.bucketfs.nfs.v4.attr.AttrDecoder;
import io.bucketfs.nfs.v4.attr.Fattr;
import io.bucketfs.nfs.v4.xdr.Bitmap4;
import io.bucketfs.nfs.v4.xdr.ChangeInfo4;
import io.bucketfs.nfs.v4.xdr.Fattr4;
import io.bucketfs.nfs.v4.xdr.XdrUtil;
import io.bucketfs.vfs.Entry;
import io.bucketfs.vfs.SetAttr;
import org.dcache.oncrpc4j.rpc.OncRpcException;
import org.dcache.oncrpc4j.xdr.XdrDecodingStream;
import org.dcache.oncrpc4j.xdr.XdrEncodingStream;

/**
 * RFC 8881 18.4 CREATE: a directory or a symlink in the current directory, which the new object replaces as the
 * current file. Devices, sockets and FIFOs are NFS4ERR_NOTSUPP (the VFS holds none); regular files are made by
 * OPEN (BADTYPE).
 *
 * @see OpCreate.Args#type nfs_ftype4
 */
public final class OpCreate {

    private OpCreate() {
    }

    /** @param linkData the target for NF4LNK, else null */
    public record Args(int type, String linkData, String name, Fattr4 attrs) implements OpArgs {
        @Override
        public int opcode() {
            return OpCode.CREATE;
        }

        @Override
        public void encode(XdrEncodingStream out) {
            out.xdrEncodeInt(type);
            if (type == Fattr.NF4LNK) {
                XdrUtil.utf8(out, linkData);
            } else if (type == Fattr.NF4BLK || type == Fattr.NF4CHR) {
                out.xdrEncodeInt(0);
                out.xdrEncodeInt(0);
            }
            XdrUtil.utf8(out, name);
            attrs.encode(out);
        }

        @Override
        public OpRes execute(CompoundContext ctx) throws Nfs4Exception {
            Node dir = ctx.current();
            ctx.checkWritable(dir);
            if (type != Fattr.NF4DIR && type != Fattr.NF4LNK) {
                throw new Nfs4Exception(type == Fattr.NF4REG ? NfsStat4.NFS4ERR_BADTYPE : NfsStat4.NFS4ERR_NOTSUPP,
                        "CREATE of type " + type);
            }
            OpLookup.checkName(name);
            SetAttr initial = AttrDecoder.decode(attrs, ctx.minorVersion());
            long before = CinfoRes.change(ctx, dir);
            Entry e = Nfs4Errors.vfs(() -> type == Fattr.NF4DIR
                    ? dir.vfs().mkdir(ctx.caller(dir), dir.handle(), name, initial)
                    : dir.vfs().symlink(ctx.caller(dir), dir.handle(), name, linkData, initial));
            long after = CinfoRes.change(ctx, dir);
            ctx.setCurrent(new Node(dir.export(), e.handle()));
            return new Res(NfsStat4.NFS4_OK, new ChangeInfo4(false, before, after), attrs.mask());
        }
    }

    public record Res(int status, ChangeInfo4 cinfo, Bitmap4 attrSet) implements OpRes {
        @Override
        public int opcode() {
            return OpCode.CREATE;
        }

        @Override
        public void encode(XdrEncodingStream out) {
            out.xdrEncodeInt(status);
            cinfo.encode(out);
            attrSet.encode(out);
        }
    }

    public static Args decode(XdrDecodingStream in) throws OncRpcException {
        int type = XdrUtil.u32(in);
        String link = null;
        switch (type) {
            case Fattr.NF4LNK -> link = XdrUtil.utf8(in, XdrUtil.MAX_STRING, "linktext4");
            case Fattr.NF4BLK, Fattr.NF4CHR -> {
                XdrUtil.u32(in);
                XdrUtil.u32(in);
            }
            case Fattr.NF4SOCK, Fattr.NF4FIFO, Fattr.NF4DIR, Fattr.NF4REG -> {
            }
            default -> throw new XdrUtil.BadXdr("createtype4 " + type);
        }
        return new Args(type, link, XdrUtil.utf8(in, XdrUtil.MAX_STRING, "component4"), Fattr4.decode(in));
    }

    public static OpRes decodeRes(XdrDecodingStream in) throws OncRpcException {
        int status = XdrUtil.u32(in);
        return status != NfsStat4.NFS4_OK ? new StatusRes(OpCode.CREATE, status)
                : new Res(status, ChangeInfo4.decode(in), Bitmap4.decode(in));
    }
}
