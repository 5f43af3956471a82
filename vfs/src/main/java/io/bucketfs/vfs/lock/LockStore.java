package io.bucketfs.vfs.lock;

import java.util.Objects;
import java.util.Set;
import java.util.function.Function;

/**
 * Where the lock manager keeps per-file lock state: the storage half of the lock manager (STYLE rule 6). The
 * rules (conflicts, merging, splitting, share modes, leases) live in {@link LockManager}; a store only applies
 * the manager's pure state transitions atomically per file. The in-memory {@link InMemoryLockStore} is the
 * single-node store; a distributed store (etcd, keyed by file id, compare-and-set on the revision) can replace
 * it.
 *
 * <p>Promises every implementation keeps:
 * <ul>
 *   <li>{@link #update} is atomic per file: concurrent updates of one file are linearizable and a reader never
 *       sees a state that no update produced. Updates of different files do not wait for each other.</li>
 *   <li>{@code mutation} may be called more than once for one update (optimistic stores retry on a concurrent
 *       change); only the result of the call whose state was stored is returned. Mutations are therefore pure
 *       functions of the state they are given.</li>
 *   <li>A file whose state becomes {@link FileLockState#EMPTY} may be forgotten; {@link #read} then returns
 *       EMPTY again.</li>
 *   <li>{@link #filesOf} lists at least every file on which the namespace holds something (it may list more).</li>
 * </ul>
 */
public interface LockStore {

    /** The current state of a file, EMPTY if nothing is held on it. Never blocks on updates of the file. */
    FileLockState read(long fileId);

    /**
     * Atomically replaces the state of a file by the one {@code mutation} computes from it.
     *
     * @param fileId the file
     * @param mutation a pure function from the current state to the new state and a result
     * @return the result of the mutation whose state was stored
     */
    <R> R update(long fileId, Function<FileLockState, Update<R>> mutation);

    /** Files on which owners of this namespace may hold locks, reservations or leases. */
    Set<Long> filesOf(String namespace);

    /** A new id for a share reservation or lease, never returned before by this store. */
    long nextId();

    /**
     * The new state of a file and the result for the caller.
     *
     * @param state the state to store
     * @param result what {@link #update} returns
     */
    record Update<R>(FileLockState state, R result) {
        public Update {
            Objects.requireNonNull(state, "state");
        }
    }
}
