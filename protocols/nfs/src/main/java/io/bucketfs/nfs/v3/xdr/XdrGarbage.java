package io.bucketfs.nfs.v3.xdr;

import java.io.IOException;

/**
 * Arguments that cannot be decoded within their limits: a length over its bound, a bad discriminant, a truncated
 * body. The program answers GARBAGE_ARGS (RFC 5531 section 9) and logs one WARN line; the connection stays open.
 * An {@link IOException} so that it passes through {@code XdrAble.xdrDecode}.
 */
public final class XdrGarbage extends IOException {

    private static final long serialVersionUID = 1L;

    public XdrGarbage(String message) {
        super(message);
    }
}
