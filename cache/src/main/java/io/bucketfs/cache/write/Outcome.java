package io.bucketfs.cache.write;

import io.bucketfs.backends.ObjectInfo;

/** The outcome of one upload; {@code info} is the object written (at the key or at the conflict key). */
record Outcome(ObjectInfo info, String conflictKey, ObjectInfo adopted) {
}
