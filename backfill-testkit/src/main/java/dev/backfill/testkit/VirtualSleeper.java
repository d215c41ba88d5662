package dev.backfill.testkit;

import static java.util.Objects.requireNonNull;

import dev.backfill.Sleeper;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;

/**
 * A {@link Sleeper} that waits in virtual time: each sleep advances a {@link ManualClock} at once and
 * is recorded, so retry backoff and injected latency cost no wall time and can be asserted. Pass it to
 * {@code Backfill.Builder.sleeper(...)}; the {@link BackfillTestDriver} does so for you.
 *
 * <p>Sleeps of several threads each advance the shared clock, so concurrent virtual sleeps add up
 * rather than overlap. An interrupted thread (an IMMEDIATE cancel) gets an {@link InterruptedException}
 * as it would from {@link Thread#sleep}. Thread-safe.
 */
public final class VirtualSleeper implements Sleeper {
  private final ManualClock clock;
  private final List<Duration> sleeps = new ArrayList<>();

  /**
   * Creates a sleeper advancing a clock.
   *
   * @param clock the clock to advance
   */
  public VirtualSleeper(ManualClock clock) {
    this.clock = requireNonNull(clock, "clock");
  }

  @Override
  public void sleep(Duration duration) throws InterruptedException {
    requireNonNull(duration, "duration");
    if (Thread.interrupted()) {
      throw new InterruptedException("interrupted before a virtual sleep of " + duration);
    }
    synchronized (sleeps) {
      sleeps.add(duration);
    }
    if (!duration.isNegative()) {
      clock.advance(duration);
    }
  }

  /**
   * Returns the sleeps so far, in order.
   *
   * @return durations slept
   */
  public List<Duration> sleeps() {
    synchronized (sleeps) {
      return List.copyOf(sleeps);
    }
  }

  /**
   * Returns the sum of all sleeps so far.
   *
   * @return total virtual time slept
   */
  public Duration total() {
    return sleeps().stream().reduce(Duration.ZERO, Duration::plus);
  }

  /**
   * Returns the clock this sleeper advances.
   *
   * @return the clock
   */
  public ManualClock clock() {
    return clock;
  }
}
