/**
 * The metadata journal: a segmented write-ahead log of opaque records with group commit, fail-stop error
 * handling, crash recovery and snapshot-based compaction. Entry point {@link io.bucketfs.vfs.journal.Journal};
 * its javadoc states the on-disk format, invariants and recovery rules.
 */
package io.bucketfs.vfs.journal;
