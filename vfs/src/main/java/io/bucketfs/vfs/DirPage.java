package io.bucketfs.vfs;

import java.util.List;

/**
 * One page of a directory listing.
 *
 * @param entries  in a stable order (name order, UTF-8 binary)
 * @param verifier pass it back with a cookie of this listing; a listing that can no longer be continued answers
 *                 {@link VfsStatus#BAD_COOKIE}
 * @param eof      whether this page ends the listing
 */
public record DirPage(List<DirEntry> entries, long verifier, boolean eof) {

    public DirPage {
        entries = List.copyOf(entries);
    }
}
