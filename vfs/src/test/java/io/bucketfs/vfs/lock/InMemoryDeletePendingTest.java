package io.bucketfs.vfs.lock;

import org.junit.jupiter.api.Timeout;

/** The delete-pending contract over {@link InMemoryLockStore}. */
@Timeout(10)
class InMemoryDeletePendingTest extends DeletePendingContractTest {

    @Override
    protected LockStore newStore() {
        return new InMemoryLockStore(4);
    }
}
