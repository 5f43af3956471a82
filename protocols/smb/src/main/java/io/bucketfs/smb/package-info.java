/**
 * The SMB 2/3 frontend over the VFS, on Netty. Packages follow the specifications: {@code mssmb2} (header
 * codec, NTSTATUS, dialects, signing/KDF/cipher primitives), {@code msfscc} (file information encoders),
 * {@code ntlm} (NTLMv2 acceptor, users as NT hashes), {@code server} (connection, sessions, commands).
 */
package io.bucketfs.smb;
