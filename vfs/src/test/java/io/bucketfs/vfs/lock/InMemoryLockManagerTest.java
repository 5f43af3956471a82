package io.bucketfs.vfs.lock;

import org.junit.jupiter.api.Timeout;

/** The lock-manager contract over {@link InMemoryLockStore}. */
@Timeout(10)
class InMemoryLockManagerTest extends LockManagerContractTest {

    @Override
    protected LockStore newStore() {
        return new InMemoryLockStore(4);
    }
}
