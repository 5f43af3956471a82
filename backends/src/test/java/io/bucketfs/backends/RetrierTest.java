package io.bucketfs.backends;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.bucketfs.backends.ObjectStoreException.Kind;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

@Timeout(value = 10, unit = TimeUnit.SECONDS)
class RetrierTest {

    /** A fake clock that the fake sleeper advances: the schedule is checked without waiting. */
    private long now;
    private final List<Long> pauses = new ArrayList<>();

    private Retrier retrier(RetryPolicy p) {
        return new Retrier(p, () -> now, nanos -> {
            pauses.add(nanos);
            now += nanos;
        });
    }

    private static final RetryPolicy POLICY = new RetryPolicy(5, Duration.ofMillis(100), Duration.ofMillis(300),
            Duration.ofSeconds(60));

    @Test
    void retriesTransientAndThrottledUntilSuccess() throws Exception {
        AtomicInteger calls = new AtomicInteger();
        String r = retrier(POLICY).call("op", true, () -> {
            int n = calls.incrementAndGet();
            if (n == 1) {
                throw new ObjectStoreException(Kind.THROTTLED, "slow down");
            }
            if (n == 2) {
                throw new ObjectStoreException(Kind.TRANSIENT, "reset");
            }
            return "ok";
        });
        assertEquals("ok", r);
        assertEquals(3, calls.get());
        assertEquals(2, pauses.size());
    }

    @Test
    void neverRetriesClientErrors() {
        for (Kind k : new Kind[] {Kind.NOT_FOUND, Kind.PRECONDITION_FAILED, Kind.NOT_MODIFIED, Kind.ACCESS_DENIED,
                Kind.PERMANENT}) {
            AtomicInteger calls = new AtomicInteger();
            ObjectStoreException e = assertThrows(ObjectStoreException.class, () -> retrier(POLICY).call("op", true,
                    () -> {
                        calls.incrementAndGet();
                        throw new ObjectStoreException(k, "no");
                    }));
            assertEquals(k, e.kind());
            assertEquals(1, calls.get(), k + " is not retried");
        }
        assertEquals(List.of(), pauses);
    }

    @Test
    void givesUpAfterMaxAttemptsWithCappedExponentialPauses() {
        AtomicInteger calls = new AtomicInteger();
        ObjectStoreException e = assertThrows(ObjectStoreException.class, () -> retrier(POLICY).call("op", true,
                () -> {
                    throw new ObjectStoreException(Kind.TRANSIENT, "down " + calls.incrementAndGet());
                }));
        assertEquals("down 5", e.getMessage(), "the last failure is thrown");
        assertEquals(4, pauses.size());
        long[] caps = {100, 200, 300, 300};
        for (int i = 0; i < pauses.size(); i++) {
            assertTrue(pauses.get(i) <= TimeUnit.MILLISECONDS.toNanos(caps[i]), "pause " + i + " " + pauses.get(i));
        }
    }

    @Test
    void stopsAtTheElapsedBound() {
        RetryPolicy p = new RetryPolicy(1000, Duration.ofSeconds(1), Duration.ofSeconds(1), Duration.ofSeconds(5));
        AtomicInteger calls = new AtomicInteger();
        assertThrows(ObjectStoreException.class, () -> retrier(p).call("op", true, () -> {
            calls.incrementAndGet();
            now += TimeUnit.MILLISECONDS.toNanos(500); // each attempt takes half a second
            throw new ObjectStoreException(Kind.TRANSIENT, "down");
        }));
        assertTrue(now <= TimeUnit.SECONDS.toNanos(6), "bounded by maxElapsed plus one attempt: " + now);
        assertTrue(calls.get() >= 3 && calls.get() < 1000, "calls " + calls.get());
    }

    @Test
    void oneShotBodiesAreNotRetried() {
        AtomicInteger calls = new AtomicInteger();
        assertThrows(ObjectStoreException.class, () -> retrier(POLICY).call("op", false, () -> {
            calls.incrementAndGet();
            throw new ObjectStoreException(Kind.TRANSIENT, "reset");
        }));
        assertEquals(1, calls.get());
    }

    @Test
    void interruptedWaitEndsTheCallAndKeepsTheFlag() {
        Retrier r = new Retrier(POLICY, () -> now, nanos -> {
            throw new InterruptedException();
        });
        ObjectStoreException e = assertThrows(ObjectStoreException.class, () -> r.call("op", true, () -> {
            throw new ObjectStoreException(Kind.TRANSIENT, "down");
        }));
        assertEquals(Kind.TRANSIENT, e.kind());
        assertTrue(Thread.interrupted());
    }

    @Test
    void delayCapDoublesUpToTheMaximumWithoutOverflow() {
        RetryPolicy p = new RetryPolicy(100, Duration.ofMillis(10), Duration.ofSeconds(5), Duration.ofMinutes(1));
        assertEquals(Duration.ofMillis(10), p.delayCap(1));
        assertEquals(Duration.ofMillis(20), p.delayCap(2));
        assertEquals(Duration.ofMillis(40), p.delayCap(3));
        assertEquals(Duration.ofSeconds(5), p.delayCap(20));
        assertEquals(Duration.ofSeconds(5), p.delayCap(99));
        assertThrows(IllegalArgumentException.class, () -> new RetryPolicy(0, Duration.ZERO, Duration.ZERO,
                Duration.ZERO));
    }
}
