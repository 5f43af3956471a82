/**
 * One class per NFSv4 operation (RFC 8881 18, RFC 7530 16 for the 4.0-only ones, RFC 7862 15 for 4.2), named
 * after it: a nested {@code Args} record (decoded by the class's {@code decode}, encoded for test clients) that
 * runs the operation, and its result ({@code Res}, or a shared shape such as {@link
 * io.bucketfs.nfs.v4.ops.StatusRes}). {@link io.bucketfs.nfs.v4.ops.Ops} is the opcode table.
 */
package io.bucketfs.nfs.v4.ops;
