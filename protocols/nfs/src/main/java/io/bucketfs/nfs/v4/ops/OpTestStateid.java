package io.bucketfs.nfs.v4.ops;

import io.bucketfs.nfs.v4.CompoundContext;
import io.bucketfs.nfs.v4.Nfs4Exception;
import io.bucketfs.nfs.v4.NfsStat4;
import io.bucketfs.nfs.v4.xdr.Stateid4;
import io.bucketfs.nfs.v4.xdr.XdrUtil;
import java.util.ArrayList;
import java.util.List;
import org.dcache.oncrpc4j.rpc.OncRpcException;
import org.dcache.oncrpc4j.xdr.XdrDecodingStream;
import org.dcache.oncrpc4j.xdr.XdrEncodingStream;

/** RFC 8881 18.48 TEST_STATEID: the status each stateid would get if used. */
public final class OpTestStateid {

    private OpTestStateid() {
    }

    public record Args(List<Stateid4> stateids) implements OpArgs {
        @Override
        public int opcode() {
            return OpCode.TEST_STATEID;
        }

        @Override
        public void encode(XdrEncodingStream out) {
            out.xdrEncodeInt(stateids.size());
            stateids.forEach(s -> s.encode(out));
        }

        @Override
        public OpRes execute(CompoundContext ctx) {
            int[] codes = new int[stateids.size()];
            for (int i = 0; i < codes.length; i++) {
                Stateid4 s = stateids.get(i);
                if (s.isSpecial()) {
                    codes[i] = NfsStat4.NFS4ERR_BAD_STATEID;
                    continue;
                }
                try {
                    ctx.state().resolve(s, ctx.minorVersion());
                    codes[i] = NfsStat4.NFS4_OK;
                } catch (Nfs4Exception e) {
                    codes[i] = e.status();
                }
            }
            return new Res(NfsStat4.NFS4_OK, codes);
        }
    }

    public record Res(int status, int[] codes) implements OpRes {
        @Override
        public int opcode() {
            return OpCode.TEST_STATEID;
        }

        @Override
        public void encode(XdrEncodingStream out) {
            out.xdrEncodeInt(status);
            out.xdrEncodeIntVector(codes);
        }
    }

    public static Args decode(XdrDecodingStream in) throws OncRpcException {
        int n = XdrUtil.length(in, XdrUtil.MAX_ITEMS, "stateid4<>");
        List<Stateid4> l = new ArrayList<>(n);
        for (int i = 0; i < n; i++) {
            l.add(Stateid4.decode(in));
        }
        return new Args(l);
    }

    public static OpRes decodeRes(XdrDecodingStream in) throws OncRpcException {
        int status = XdrUtil.u32(in);
        if (status != NfsStat4.NFS4_OK) {
            return new StatusRes(OpCode.TEST_STATEID, status);
        }
        int n = XdrUtil.length(in, XdrUtil.MAX_ITEMS, "nfsstat4<>");
        int[] c = new int[n];
        for (int i = 0; i < n; i++) {
            c[i] = XdrUtil.u32(in);
        }
        return new Res(status, c);
    }
}
