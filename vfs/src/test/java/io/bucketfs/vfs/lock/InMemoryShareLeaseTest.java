package io.bucketfs.vfs.lock;

import org.junit.jupiter.api.Timeout;

/** The share-reservation and lease contract over {@link InMemoryLockStore}. */
@Timeout(10)
class InMemoryShareLeaseTest extends ShareLeaseContractTest {

    @Override
    protected LockStore newStore() {
        return new InMemoryLockStore(4);
    }
}
