package dev.backfill.testkit;

import static java.util.Objects.requireNonNull;

import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneId;
import java.time.ZoneOffset;
import java.util.concurrent.atomic.AtomicReference;

/**
 * A {@link Clock} that only moves when a test moves it: set it, advance it, and hand it to
 * {@code Backfill.Builder.clock(...)} and {@code new InMemoryStateStore(clock)} so that run times,
 * leases, progress and ETA are computed in virtual time. Thread-safe; views made with
 * {@link #withZone} share the same time.
 *
 * <pre>{@code
 * ManualClock clock = ManualClock.at("2024-06-01T00:00:00Z");
 * clock.advance(Duration.ofMinutes(5));
 * }</pre>
 */
public final class ManualClock extends Clock {
  /** Where {@link #ManualClock()} starts: 2024-06-01T00:00:00Z. */
  public static final Instant DEFAULT_START = Instant.parse("2024-06-01T00:00:00Z");

  private final AtomicReference<Instant> now;
  private final ZoneId zone;

  /** Creates a clock at {@link #DEFAULT_START} in UTC. */
  public ManualClock() {
    this(DEFAULT_START);
  }

  /**
   * Creates a clock at an instant, in UTC.
   *
   * @param start the initial time
   */
  public ManualClock(Instant start) {
    this(new AtomicReference<>(requireNonNull(start, "start")), ZoneOffset.UTC);
  }

  private ManualClock(AtomicReference<Instant> now, ZoneId zone) {
    this.now = now;
    this.zone = zone;
  }

  /**
   * Creates a clock at an ISO-8601 instant.
   *
   * @param instant e.g. {@code 2024-03-01T00:00:00Z}
   * @return the clock
   */
  public static ManualClock at(String instant) {
    return new ManualClock(Instant.parse(instant));
  }

  @Override
  public Instant instant() {
    return now.get();
  }

  @Override
  public ZoneId getZone() {
    return zone;
  }

  /**
   * Returns a view in another zone that shares this clock's time: advancing either moves both.
   *
   * @param newZone the zone
   * @return the view
   */
  @Override
  public ManualClock withZone(ZoneId newZone) {
    return new ManualClock(now, requireNonNull(newZone, "zone"));
  }

  /**
   * Sets the time, forwards or backwards.
   *
   * @param instant the new time
   */
  public void set(Instant instant) {
    now.set(requireNonNull(instant, "instant"));
  }

  /**
   * Moves the time forward.
   *
   * @param duration how far, zero or positive
   * @return the new time
   * @throws IllegalArgumentException for a negative duration (use {@link #set} to go back)
   */
  public Instant advance(Duration duration) {
    requireNonNull(duration, "duration");
    if (duration.isNegative()) {
      throw new IllegalArgumentException("cannot advance by " + duration + "; time only moves forward, use set(instant) to go back");
    }
    return now.updateAndGet(t -> t.plus(duration));
  }

  @Override
  public String toString() {
    return "ManualClock[" + now.get() + ", " + zone + "]";
  }
}
