/** The NFSv3 procedures, RFC 1813 section 3.3: one class per procedure, named after it, with its XDR arguments and result. */
package io.bucketfs.nfs.v3.proc;
