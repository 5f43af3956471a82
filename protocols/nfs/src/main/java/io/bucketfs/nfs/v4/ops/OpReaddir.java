package io.bucketfs.nfs.v4.ops;

import io.bucketfs.nfs.export.Export;
import io.bucketfs.nfs.v4.CompoundContext;
import io.bucketfs.nfs.v4.Nfs4Errors;
import io.bucketfs.nfs.v4.Nfs4Exception;
import io.bucketfs.nfs.v4.Node;
import io.bucketfs.nfs.v4.NfsStat4;
import io.bucketfs.nfs.v4.xdr.Bitmap4;
import io.bucketfs.nfs.v4.xdr.Fattr4;
import io.bucketfs.nfs.v4.xdr.XdrUtil;
import io.bucketfs.vfs.DirEntry;
import io.bucketfs.vfs.DirPage;
import io.bucketfs.vfs.FileType;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import org.dcache.oncrpc4j.rpc.OncRpcException;
import org.dcache.oncrpc4j.xdr.XdrDecodingStream;
import org.dcache.oncrpc4j.xdr.XdrEncodingStream;

/**
 * RFC 8881 18.23 READDIR: one page of the current directory. Cookies and the cookie verifier are the VFS's
 * (cookies start at 3, RFC 8881 18.23.3); the pseudo root lists the exports this client is admitted to, cookie 3
 * for the first. Entries are added while the reply stays within {@code maxcount} and the names and cookies within
 * {@code dircount}; if not even one entry fits, NFS4ERR_TOOSMALL.
 */
public final class OpReaddir {

    /** The encoded size of the reply around the entries: status, verifier, eof, list terminator. */
    private static final int REPLY_OVERHEAD = 4 + 8 + 4 + 4;
    /** The most entries asked of the VFS per page. */
    private static final int MAX_PAGE = 512;

    private OpReaddir() {
    }

    public record Args(long cookie, long verifier, int dirCount, int maxCount, Bitmap4 request) implements OpArgs {
        @Override
        public int opcode() {
            return OpCode.READDIR;
        }

        @Override
        public void encode(XdrEncodingStream out) {
            out.xdrEncodeLong(cookie);
            out.xdrEncodeLong(verifier);
            out.xdrEncodeInt(dirCount);
            out.xdrEncodeInt(maxCount);
            request.encode(out);
        }

        @Override
        public OpRes execute(CompoundContext ctx) throws Nfs4Exception {
            Node dir = ctx.current();
            if (cookie == 1 || cookie == 2) {
                throw new Nfs4Exception(NfsStat4.NFS4ERR_BAD_COOKIE, "cookie " + cookie);
            }
            if (!dir.isPseudoRoot() && ctx.getattr(dir).type() != FileType.DIRECTORY) {
                throw new Nfs4Exception(NfsStat4.NFS4ERR_NOTDIR, "READDIR of a non-directory");
            }
            long max = Math.min(Integer.toUnsignedLong(maxCount), ctx.service().settings().maxIoBytes());
            long dirMax = dirCount == 0 ? Long.MAX_VALUE : Integer.toUnsignedLong(dirCount);
            int page = (int) Math.max(1, Math.min(MAX_PAGE, max / 64));
            DirPage p = dir.isPseudoRoot() ? pseudoPage(ctx) : Nfs4Errors.vfs(() ->
                    dir.vfs().readdir(ctx.caller(dir), dir.handle(), cookie, verifier, page));
            List<Entry4> out = new ArrayList<>();
            long size = REPLY_OVERHEAD;
            long dirSize = 0;
            boolean all = true;
            for (DirEntry e : p.entries()) {
                Node n = dir.isPseudoRoot() ? exportRoot(ctx, e.name()) : new Node(dir.export(), e.handle());
                if (n == null) {
                    continue;
                }
                Fattr4 attrs = ctx.attributes(n, e.attr(), request);
                Entry4 en = new Entry4(e.cookie(), e.name(), attrs);
                long names = 8 + 4 + pad(e.name().getBytes(StandardCharsets.UTF_8).length);
                if (size + en.size() > max || dirSize + names > dirMax) {
                    all = false;
                    break;
                }
                size += en.size();
                dirSize += names;
                out.add(en);
            }
            if (out.isEmpty() && !p.entries().isEmpty() && !all) {
                throw new Nfs4Exception(NfsStat4.NFS4ERR_TOOSMALL, "maxcount " + maxCount + " fits no entry");
            }
            return new Res(NfsStat4.NFS4_OK, p.verifier(), out, all && p.eof());
        }

        private DirPage pseudoPage(CompoundContext ctx) {
            List<DirEntry> entries = new ArrayList<>();
            long c = 3;
            for (Export e : ctx.service().exports().all()) {
                if (e.rules().admits(ctx.clientAddress()) && c > cookie) {
                    try {
                        entries.add(new DirEntry(e.name(), c, e.vfs().root(),
                                e.vfs().getattr(ctx.creds().map(e.rules()), e.vfs().root())));
                    } catch (io.bucketfs.vfs.VfsException ex) {
                        // an export whose root cannot be read is left out of the listing
                    }
                }
                c++;
            }
            return new DirPage(entries, 0, true);
        }

        private static Node exportRoot(CompoundContext ctx, String name) {
            return ctx.service().exports().byName(name).map(e -> new Node(e, e.vfs().root())).orElse(null);
        }
    }

    private static int pad(int n) {
        return (n + 3) & ~3;
    }

    /** RFC 8881 18.23.2 {@code entry4}. */
    public record Entry4(long cookie, String name, Fattr4 attrs) {
        long size() {
            return 4 + 8 + 4 + pad(name.getBytes(StandardCharsets.UTF_8).length) + 4 + attrs.mask().words().length * 4
                    + 4 + pad(attrs.values().length);
        }
    }

    public record Res(int status, long verifier, List<Entry4> entries, boolean eof) implements OpRes {
        @Override
        public int opcode() {
            return OpCode.READDIR;
        }

        @Override
        public void encode(XdrEncodingStream out) {
            out.xdrEncodeInt(status);
            out.xdrEncodeLong(verifier);
            for (Entry4 e : entries) {
                out.xdrEncodeBoolean(true);
                out.xdrEncodeLong(e.cookie());
                XdrUtil.utf8(out, e.name());
                e.attrs().encode(out);
            }
            out.xdrEncodeBoolean(false);
            out.xdrEncodeBoolean(eof);
        }
    }

    public static Args decode(XdrDecodingStream in) throws OncRpcException {
        return new Args(XdrUtil.u64(in), XdrUtil.u64(in), XdrUtil.u32(in), XdrUtil.u32(in), Bitmap4.decode(in));
    }

    public static OpRes decodeRes(XdrDecodingStream in) throws OncRpcException {
        int status = XdrUtil.u32(in);
        if (status != NfsStat4.NFS4_OK) {
            return new StatusRes(OpCode.READDIR, status);
        }
        long verf = XdrUtil.u64(in);
        List<Entry4> entries = new ArrayList<>();
        while (XdrUtil.bool(in)) {
            entries.add(new Entry4(XdrUtil.u64(in), XdrUtil.utf8(in, XdrUtil.MAX_STRING, "component4"),
                    Fattr4.decode(in)));
        }
        return new Res(status, verf, entries, XdrUtil.bool(in));
    }
}
