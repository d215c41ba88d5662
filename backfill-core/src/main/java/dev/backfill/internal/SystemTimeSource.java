package dev.backfill.internal;

import static java.util.Objects.requireNonNull;

import dev.backfill.Sleeper;
import dev.backfill.TimeSource;
import java.time.Clock;
import java.time.Duration;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.ScheduledThreadPoolExecutor;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * The wall-time {@link TimeSource}: a clock for timestamps, a sleeper for waits and one shared daemon
 * timer thread. The timer thread only hands due tasks to a pool of daemon threads, so a heartbeat
 * stuck on a slow database never delays another run's timeout.
 */
public final class SystemTimeSource implements TimeSource {
  private static final ScheduledThreadPoolExecutor TIMER = timer();
  private static final ExecutorService TASKS = Executors.newCachedThreadPool(daemons("backfill-timer-task-"));

  private final Clock clock;
  private final Sleeper sleeper;

  /**
   * Creates the time source.
   *
   * @param clock clock for timestamps
   * @param sleeper how to wait (retry backoff, rate limits)
   */
  public SystemTimeSource(Clock clock, Sleeper sleeper) {
    this.clock = requireNonNull(clock, "clock");
    this.sleeper = requireNonNull(sleeper, "sleeper");
  }

  private static ScheduledThreadPoolExecutor timer() {
    ScheduledThreadPoolExecutor t = new ScheduledThreadPoolExecutor(1, daemons("backfill-timer-"));
    t.setRemoveOnCancelPolicy(true);
    return t;
  }

  private static java.util.concurrent.ThreadFactory daemons(String prefix) {
    AtomicInteger ids = new AtomicInteger();
    return r -> {
      Thread t = new Thread(r, prefix + ids.incrementAndGet());
      t.setDaemon(true);
      return t;
    };
  }

  @Override
  public Clock clock() {
    return clock;
  }

  @Override
  public long nanoTime() {
    return System.nanoTime();
  }

  @Override
  public void sleep(Duration duration) throws InterruptedException {
    sleeper.sleep(duration);
  }

  @Override
  public Timer schedule(Duration delay, Runnable task) {
    requireNonNull(task, "task");
    long nanos = Math.max(0, delay.toNanos());
    ScheduledFuture<?> f = TIMER.schedule(() -> TASKS.execute(task), nanos, TimeUnit.NANOSECONDS);
    return () -> f.cancel(false);
  }
}
