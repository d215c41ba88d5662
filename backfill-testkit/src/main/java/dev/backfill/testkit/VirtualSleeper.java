package dev.backfill.testkit;

import static java.util.Objects.requireNonNull;

import dev.backfill.TimeSource;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;

/**
 * The test kit's virtual {@link TimeSource}: every wait and timer of a run happens in the virtual
 * time of a {@link ManualClock}, so retry backoff, rate limits, injected latency, lease heartbeats,
 * per-slice timeouts and idle waits cost no wall time and can be asserted. Pass it to
 * {@code Backfill.Builder.timeSource(...)}; the {@link BackfillTestDriver} does so for you.
 *
 * <pre>{@code
 * VirtualSleeper time = new VirtualSleeper(ManualClock.at("2024-06-01T00:00:00Z"));
 * Backfill<Row> backfill = Backfill.builder("orders").timeSource(time)...build();
 * // a 1 slice/s rate limit over 60 slices: 59 virtual seconds, a few milliseconds of wall time
 * }</pre>
 *
 * <ul>
 *   <li>A {@link #sleep} records its duration and moves the clock to the moment it ends (the start of
 *       the sleep plus its duration), running the timers due on the way; sleeps of several threads
 *       that started at the same moment therefore overlap instead of adding up. A timer that
 *       interrupts the sleeping thread (a timeout or an IMMEDIATE cancel) ends the sleep at that
 *       moment with an {@link InterruptedException}, as {@link Thread#sleep} would.
 *   <li>{@link #schedule} registers a timer on the clock: it runs when the clock is moved past its due
 *       time, by a sleep or by the test ({@code clock.advance(...)}, {@code clock.set(...)}).
 * </ul>
 *
 * <p>Thread-safe.
 */
public final class VirtualSleeper implements TimeSource {
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
    if (duration.isNegative() || duration.isZero()) {
      return;
    }
    Instant end = clock.instant().plus(duration);
    if (!clock.advanceTo(end, true)) {
      Thread.interrupted();
      throw new InterruptedException("interrupted at " + clock.instant() + " during a virtual sleep of " + duration);
    }
  }

  @Override
  public long nanoTime() {
    Instant now = clock.instant();
    return now.getEpochSecond() * 1_000_000_000L + now.getNano();
  }

  @Override
  public Timer schedule(Duration delay, Runnable task) {
    requireNonNull(delay, "delay");
    requireNonNull(task, "task");
    return clock.schedule(delay, task);
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
   * Returns the clock this time source reads and advances.
   *
   * @return the clock
   */
  @Override
  public ManualClock clock() {
    return clock;
  }
}
