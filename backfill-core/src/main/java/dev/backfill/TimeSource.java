package dev.backfill;

import dev.backfill.internal.SystemTimeSource;
import java.time.Clock;
import java.time.Duration;

/**
 * Where a run takes its time from and how it waits: timestamps, retry backoff, rate-limit waits,
 * lease heartbeats, per-slice timeouts, idle waits and progress logs all go through one time source,
 * the way Caffeine's {@code Ticker} and {@code Scheduler} do for a cache. The default is the system
 * clock with real sleeps and a shared timer; the test kit substitutes a virtual one whose timers fire
 * when its manual clock is advanced, so a test of a rate-limited, retrying pipeline costs no wall time.
 *
 * <pre>{@code
 * Backfill.builder("orders")
 *     .timeSource(TimeSource.system(Clock.system(ZoneId.of("Europe/Berlin"))))   // the default in another zone
 *     ...
 * }</pre>
 *
 * <p>Implementations are thread-safe. {@link #sleep} of several threads may overlap.
 */
public interface TimeSource extends Sleeper {

  /**
   * Returns the system time source: the UTC system clock, {@link Thread#sleep} and a shared daemon timer.
   *
   * @return the time source
   */
  static TimeSource system() {
    return system(Clock.systemUTC());
  }

  /**
   * Returns the system time source reading timestamps from another clock.
   *
   * @param clock clock for timestamps (run times, progress, run ids)
   * @return the time source
   */
  static TimeSource system(Clock clock) {
    return new SystemTimeSource(clock, Sleeper.SYSTEM);
  }

  /**
   * Returns the clock for timestamps: run and slice times, progress, ETA, run ids, plan times.
   *
   * @return the clock
   */
  Clock clock();

  /**
   * Returns a monotonic time in nanoseconds for measuring elapsed time (rate limits, idle waits);
   * only differences between two readings mean anything.
   *
   * @return nanoseconds
   */
  long nanoTime();

  /**
   * Runs a task once after a delay, on a thread of the time source's choosing. Tasks must be quick
   * (a heartbeat, a cancel, a wake-up) and must not throw.
   *
   * @param delay how long from now; zero or negative runs it as soon as possible
   * @param task what to run
   * @return a handle to cancel the task before it runs
   */
  Timer schedule(Duration delay, Runnable task);

  /** A scheduled task that has not necessarily run yet. */
  @FunctionalInterface
  interface Timer {
    /** Cancels the task if it has not started; a task already running finishes. Idempotent. */
    void cancel();
  }
}
