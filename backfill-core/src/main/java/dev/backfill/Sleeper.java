package dev.backfill;

import java.time.Duration;

/**
 * Waits between retry attempts. The default sleeps the thread; the test kit substitutes one that
 * advances a virtual clock, so backoff is testable without sleeping.
 */
@FunctionalInterface
public interface Sleeper {

  /** Sleeps the calling thread. */
  Sleeper SYSTEM = duration -> Thread.sleep(duration.toMillis(), duration.toNanosPart() % 1_000_000);

  /**
   * Waits for a duration.
   *
   * @param duration how long
   * @throws InterruptedException when interrupted (for example by an IMMEDIATE cancel)
   */
  void sleep(Duration duration) throws InterruptedException;
}
