package io.bucketfs.nfs.mount;

import io.bucketfs.nfs.v3.xdr.Nfs3Xdr;
import java.io.IOException;
import java.util.ArrayList;
import java.util.List;
import org.dcache.oncrpc4j.xdr.XdrAble;
import org.dcache.oncrpc4j.xdr.XdrDecodingStream;
import org.dcache.oncrpc4j.xdr.XdrEncodingStream;

/**
 * RFC 1813 Appendix I, procedure 5 EXPORT result exports: {@code exportnode {dirpath ex_dir; groups ex_groups}},
 * the groups being the client networks the export admits (none listed: everyone).
 */
public final class ExportList implements XdrAble {

    /** One export and the groups allowed to mount it. */
    public record Node(String dir, List<String> groups) {
    }

    public List<Node> exports = new ArrayList<>();

    public ExportList() {
    }

    public ExportList(List<Node> exports) {
        this.exports = exports;
    }

    @Override
    public void xdrEncode(XdrEncodingStream x) {
        for (Node n : exports) {
            x.xdrEncodeBoolean(true);
            Nfs3Xdr.string(x, n.dir());
            for (String g : n.groups()) {
                x.xdrEncodeBoolean(true);
                Nfs3Xdr.string(x, g);
            }
            x.xdrEncodeBoolean(false);
        }
        x.xdrEncodeBoolean(false);
    }

    @Override
    public void xdrDecode(XdrDecodingStream x) throws IOException {
        while (Nfs3Xdr.bool(x)) {
            String dir = Nfs3Xdr.path(x, DirPath.MNTPATHLEN);
            List<String> groups = new ArrayList<>();
            while (Nfs3Xdr.bool(x)) {
                groups.add(Nfs3Xdr.path(x, MountProgram.MNTNAMLEN));
            }
            exports.add(new Node(dir, groups));
        }
    }
}
