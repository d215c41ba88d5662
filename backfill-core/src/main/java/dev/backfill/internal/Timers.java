package dev.backfill.internal;

import dev.backfill.TimeSource;
import java.time.Duration;
import org.jspecify.annotations.Nullable;

/** Repeating tasks on a {@link TimeSource}, which itself only runs tasks once. */
final class Timers {
  private Timers() {}

  /**
   * Runs a task every {@code period} (fixed delay: the next run is scheduled after the previous one
   * ended) until the returned timer is cancelled.
   */
  static TimeSource.Timer every(TimeSource time, Duration period, Runnable task) {
    Repeating r = new Repeating(time, period, task);
    r.next();
    return r;
  }

  private static final class Repeating implements TimeSource.Timer {
    private final TimeSource time;
    private final Duration period;
    private final Runnable task;
    private boolean cancelled;
    private TimeSource.@Nullable Timer pending;

    Repeating(TimeSource time, Duration period, Runnable task) {
      this.time = time;
      this.period = period;
      this.task = task;
    }

    synchronized void next() {
      if (!cancelled) {
        pending = time.schedule(period, this::fire);
      }
    }

    private void fire() {
      synchronized (this) {
        if (cancelled) {
          return;
        }
      }
      try {
        task.run();
      } finally {
        next();
      }
    }

    @Override
    public synchronized void cancel() {
      cancelled = true;
      if (pending != null) {
        pending.cancel();
      }
    }
  }
}
