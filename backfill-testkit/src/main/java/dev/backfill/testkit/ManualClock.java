package dev.backfill.testkit;

import static java.util.Objects.requireNonNull;

import dev.backfill.TimeSource;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneId;
import java.time.ZoneOffset;
import java.util.PriorityQueue;
import java.util.concurrent.atomic.AtomicLong;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * A {@link Clock} that only moves when a test moves it: set it, advance it, and hand it to
 * {@code Backfill.Builder.clock(...)} and {@code new InMemoryStateStore(clock)} so that run times,
 * leases, progress and ETA are computed in virtual time. Thread-safe; views made with
 * {@link #withZone} share the same time.
 *
 * <pre>{@code
 * ManualClock clock = ManualClock.at("2024-06-01T00:00:00Z");
 * clock.advance(Duration.ofMinutes(5));     // fires the run's timers due in these five minutes
 * }</pre>
 *
 * <p>The clock also carries the timers of a {@link VirtualSleeper} on it (lease heartbeats,
 * per-slice timeouts, idle waits, progress logs): moving the clock forward runs every timer that
 * comes due, in order of their due times, each with the clock set to its due time, on the thread that
 * moves the clock. So {@code clock.advance(leaseTime)} in a test lets a lease expire exactly as a
 * stalled worker's would, and a heartbeat scheduled within a virtual sleep renews the lease.
 */
public final class ManualClock extends Clock {
  private static final Logger log = LoggerFactory.getLogger(ManualClock.class);

  /** Where {@link #ManualClock()} starts: 2024-06-01T00:00:00Z. */
  public static final Instant DEFAULT_START = Instant.parse("2024-06-01T00:00:00Z");

  private final Shared shared;
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
    this(new Shared(requireNonNull(start, "start")), ZoneOffset.UTC);
  }

  private ManualClock(Shared shared, ZoneId zone) {
    this.shared = shared;
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
    synchronized (shared) {
      return shared.now;
    }
  }

  @Override
  public ZoneId getZone() {
    return zone;
  }

  /**
   * Returns a view in another zone that shares this clock's time and timers: advancing either moves both.
   *
   * @param newZone the zone
   * @return the view
   */
  @Override
  public ManualClock withZone(ZoneId newZone) {
    return new ManualClock(shared, requireNonNull(newZone, "zone"));
  }

  /**
   * Sets the time, forwards (running the timers that come due) or backwards (running none).
   *
   * @param instant the new time
   */
  public void set(Instant instant) {
    requireNonNull(instant, "instant");
    synchronized (shared) {
      if (!instant.isAfter(shared.now)) {
        shared.now = instant;
        return;
      }
    }
    advanceTo(instant, false);
  }

  /**
   * Moves the time forward, running the timers that come due on the way.
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
    // advances of several threads add up: each moves the clock by its own duration
    synchronized (shared.advancing) {
      Instant target;
      synchronized (shared) {
        target = shared.now.plus(duration);
      }
      advanceTo(target, false);
      return instant();
    }
  }

  /**
   * Moves the time to {@code target} unless it is there already, running due timers in order.
   *
   * @param stopWhenInterrupted stop early when a timer due before the target interrupted the calling
   *     thread (a sleep cut short by a cancel or timeout wakes at that moment; one interrupted exactly
   *     at its end has slept its whole duration and keeps the interrupt for later)
   * @return true when the target was reached, false when stopped early
   */
  boolean advanceTo(Instant target, boolean stopWhenInterrupted) {
    while (true) {
      Pending next;
      synchronized (shared) {
        next = shared.timers.peek();
        if (next == null || next.due.isAfter(target)) {
          if (target.isAfter(shared.now)) {
            shared.now = target;
          }
          return true;
        }
        shared.timers.poll();
        if (next.due.isAfter(shared.now)) {
          shared.now = next.due;
        }
      }
      next.fire();
      if (stopWhenInterrupted && next.due.isBefore(target) && Thread.currentThread().isInterrupted()) {
        return false;
      }
    }
  }

  /** Schedules a task to run when the clock reaches {@code now + delay} (at once for a delay of zero). */
  TimeSource.Timer schedule(Duration delay, Runnable task) {
    if (delay.isNegative() || delay.isZero()) {
      task.run();
      return () -> { };
    }
    Pending p;
    synchronized (shared) {
      p = new Pending(shared.now.plus(delay), shared.sequence.incrementAndGet(), task);
      shared.timers.add(p);
    }
    return () -> {
      synchronized (shared) {
        shared.timers.remove(p);
      }
    };
  }

  /** Timers waiting for the clock, for assertions and diagnostics. */
  int pendingTimers() {
    synchronized (shared) {
      return shared.timers.size();
    }
  }

  @Override
  public String toString() {
    return "ManualClock[" + instant() + ", " + zone + "]";
  }

  /** Time and timers shared by a clock and its zone views; guarded by its own monitor. */
  private static final class Shared {
    Instant now;
    final PriorityQueue<Pending> timers = new PriorityQueue<>();
    final AtomicLong sequence = new AtomicLong();
    /** Held by {@link #advance}, so that concurrent advances add up. */
    final Object advancing = new Object();

    Shared(Instant now) {
      this.now = now;
    }
  }

  /** A timer; among timers due at the same time the earlier scheduled runs first. */
  private record Pending(Instant due, long sequence, Runnable task) implements Comparable<Pending> {
    @Override
    public int compareTo(Pending o) {
      int c = due.compareTo(o.due);
      return c != 0 ? c : Long.compare(sequence, o.sequence);
    }

    void fire() {
      try {
        task.run();
      } catch (RuntimeException e) {
        log.warn("a timer due at {} failed: {}", due, e.toString());
      }
    }
  }
}
