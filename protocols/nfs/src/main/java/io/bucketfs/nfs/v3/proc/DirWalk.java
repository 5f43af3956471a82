package io.bucketfs.nfs.v3.proc;

import io.bucketfs.nfs.v3.Nfs3Error;
import io.bucketfs.nfs.v3.Nfs3Request;
import io.bucketfs.nfs.v3.Nfs3Status;
import io.bucketfs.vfs.Attr;
import io.bucketfs.vfs.DirEntry;
import io.bucketfs.vfs.DirPage;
import io.bucketfs.vfs.Entry;
import io.bucketfs.vfs.FileHandle;
import io.bucketfs.vfs.VfsException;
import java.util.ArrayList;
import java.util.List;

/**
 * The paging shared by READDIR and READDIRPLUS (RFC 1813 sections 3.3.16–3.3.17): "." (cookie 1) and ".."
 * (cookie 2), then the VFS listing (cookies 3 and up, which the VFS leaves free for them), pulled from the VFS a
 * page at a time until the reply's byte budgets are spent, so a directory of any size streams.
 */
final class DirWalk {

    /** One entry of a reply. */
    record Item(String name, long cookie, FileHandle handle, Attr attr) {
    }

    /** What a reply carries: the entries, the listing's verifier, whether the directory ended. */
    record Result(List<Item> items, long verifier, boolean eof) {
    }

    /** The size of an entry in bytes: [0] against the total budget, [1] against the directory-info budget. */
    interface Sizer {
        int total(String name);

        int dirInfo(String name);
    }

    static final long DOT = 1;
    static final long DOTDOT = 2;
    private static final int MAX_PAGE = 1024;

    private DirWalk() {
    }

    /** The encoded length of a filename3 (length word plus padded bytes). */
    static int nameLength(String name) {
        int n = name.getBytes(java.nio.charset.StandardCharsets.UTF_8).length;
        return 4 + ((n + 3) & ~3);
    }

    static Result walk(Nfs3Request rq, FileHandle dir, Attr dirAttr, long cookie, long verifier, Sizer sizer,
                       int budget, int dirBudget) throws VfsException, Nfs3Error {
        List<Item> items = new ArrayList<>();
        int[] used = new int[2];
        if (cookie == 0 && !add(items, used, sizer, budget, dirBudget, new Item(".", DOT, dir, dirAttr))) {
            throw new Nfs3Error(Nfs3Status.NFS3ERR_TOOSMALL, "reply too small for one entry");
        }
        if (cookie < DOTDOT) {
            Entry parent = rq.vfs().parent(rq.caller(), dir);
            if (!add(items, used, sizer, budget, dirBudget, new Item("..", DOTDOT, parent.handle(), parent.attr()))) {
                return new Result(items, verifier, false);
            }
        }
        long vfsCookie = cookie <= DOTDOT ? 0 : cookie;
        long verf = verifier;
        while (true) {
            int ask = Math.max(1, Math.min(MAX_PAGE, (budget - used[0]) / sizer.total("") + 1));
            DirPage page = rq.vfs().readdir(rq.caller(), dir, vfsCookie, verf, ask);
            verf = page.verifier();
            for (DirEntry e : page.entries()) {
                if (!add(items, used, sizer, budget, dirBudget, new Item(e.name(), e.cookie(), e.handle(), e.attr()))) {
                    if (items.isEmpty()) {
                        throw new Nfs3Error(Nfs3Status.NFS3ERR_TOOSMALL, "reply too small for one entry");
                    }
                    return new Result(items, verf, false);
                }
                vfsCookie = e.cookie();
            }
            if (page.eof() || page.entries().isEmpty()) {
                return new Result(items, verf, true);
            }
        }
    }

    private static boolean add(List<Item> items, int[] used, Sizer sizer, int budget, int dirBudget, Item it) {
        int t = sizer.total(it.name());
        int d = sizer.dirInfo(it.name());
        if (used[0] + t > budget || used[1] + d > dirBudget) {
            return false;
        }
        used[0] += t;
        used[1] += d;
        items.add(it);
        return true;
    }
}
