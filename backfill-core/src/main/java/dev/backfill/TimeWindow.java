package dev.backfill;

import static java.util.Objects.requireNonNull;

import java.math.BigDecimal;
import java.math.RoundingMode;
import java.time.Duration;
import java.time.Instant;
import java.time.LocalDate;
import java.time.OffsetDateTime;
import java.time.ZoneId;
import java.time.ZonedDateTime;

/**
 * The half-open time interval {@code [start, end)} that a time partition covers, with the zone
 * the partitioning is defined in.
 *
 * <p>Windows are measured in elapsed time: a Europe/Berlin day on 2024-03-31 is 23 hours long and
 * {@link #hours()} says so.
 *
 * @param start first instant inside the window
 * @param end first instant after the window (exclusive)
 * @param zone zone of the partitioning, used for local dates
 */
public record TimeWindow(Instant start, Instant end, ZoneId zone) {

  /**
   * Creates a window.
   *
   * @param start first instant inside the window
   * @param end first instant after the window
   * @param zone zone of the partitioning
   */
  public TimeWindow {
    requireNonNull(start, "start");
    requireNonNull(end, "end");
    requireNonNull(zone, "zone");
    if (!end.isAfter(start)) {
      throw new IllegalArgumentException("window end " + end + " must be after start " + start);
    }
  }

  /**
   * Returns the elapsed length of the window.
   *
   * @return end minus start
   */
  public Duration duration() {
    return Duration.between(start, end);
  }

  /**
   * Returns the elapsed hours of the window: a {@link Long} when whole (23, 24 or 25 for a day in a
   * zone with daylight saving time), otherwise a {@link BigDecimal} (23.5 for a day with a 30-minute
   * shift), rounded to six decimals when the shift is not a whole number of minutes (the change from
   * local mean time, e.g. 23.891111 for Europe/Berlin on 1893-04-01).
   *
   * @return elapsed hours
   */
  public Number hours() {
    long seconds = duration().getSeconds();
    if (seconds % 3600 == 0 && duration().getNano() == 0) {
      return seconds / 3600;
    }
    // Offsets before 1900 have seconds (Berlin's local mean time was +00:53:28), so the exact
    // quotient may not terminate; an exact-only division would throw for those days.
    return BigDecimal.valueOf(seconds).add(BigDecimal.valueOf(duration().getNano(), 9))
        .divide(BigDecimal.valueOf(3600), 6, RoundingMode.HALF_EVEN).stripTrailingZeros();
  }

  /**
   * Returns the local date of the start.
   *
   * @return first day of the window in its zone
   */
  public LocalDate startDate() {
    return start.atZone(zone).toLocalDate();
  }

  /**
   * Returns the last local date inside the window (inclusive), the day of the instant just before
   * the end.
   *
   * @return last day of the window in its zone
   */
  public LocalDate endDate() {
    return end.minusNanos(1).atZone(zone).toLocalDate();
  }

  /**
   * Returns the start with the zone's offset at that instant.
   *
   * @return the start as an offset date-time
   */
  public OffsetDateTime startOffsetDateTime() {
    return start.atZone(zone).toOffsetDateTime();
  }

  /**
   * Returns the exclusive end with the zone's offset at that instant.
   *
   * @return the end as an offset date-time
   */
  public OffsetDateTime endOffsetDateTime() {
    return end.atZone(zone).toOffsetDateTime();
  }

  /**
   * Returns the start in the window's zone.
   *
   * @return the start as a zoned date-time
   */
  public ZonedDateTime startInZone() {
    return start.atZone(zone);
  }

  /**
   * Tells whether an instant falls inside the window.
   *
   * @param instant the instant to test
   * @return true when {@code start <= instant < end}
   */
  public boolean contains(Instant instant) {
    return !instant.isBefore(start) && instant.isBefore(end);
  }

  /**
   * Returns the window from this start to another window's end.
   *
   * @param last the last window of a run of adjacent windows
   * @return the spanning window
   */
  public TimeWindow spanTo(TimeWindow last) {
    return new TimeWindow(start, last.end, zone);
  }

  @Override
  public String toString() {
    return "[" + startOffsetDateTime() + ", " + endOffsetDateTime() + ") " + zone;
  }
}
