package io.bucketfs.vfs.lock;

import java.time.Duration;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;

/** A fake clock for lease timeouts: scheduled tasks run only when a test advances time. */
final class ManualTimer implements LockTimer {

    private long nowNanos;
    private final List<Task> tasks = new ArrayList<>();

    private record Task(long dueNanos, Runnable run) {
    }

    @Override
    public synchronized Cancellable schedule(Duration delay, Runnable task) {
        Task t = new Task(nowNanos + delay.toNanos(), task);
        tasks.add(t);
        return () -> {
            synchronized (ManualTimer.this) {
                tasks.remove(t);
            }
        };
    }

    /** Moves the clock and runs every task that became due, in due order, on the calling thread. */
    void advance(Duration by) {
        List<Task> due = new ArrayList<>();
        synchronized (this) {
            nowNanos += by.toNanos();
            for (Task t : tasks) {
                if (t.dueNanos() <= nowNanos) {
                    due.add(t);
                }
            }
            tasks.removeAll(due);
        }
        due.sort(Comparator.comparingLong(Task::dueNanos));
        due.forEach(t -> t.run().run());
    }

    synchronized int scheduled() {
        return tasks.size();
    }
}
