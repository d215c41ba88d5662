package dev.backfill;

import java.time.DateTimeException;
import java.time.DayOfWeek;
import java.time.Instant;
import java.time.ZoneId;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;

/**
 * How a target is sliced into partitions: by hour, day, week or month in a zone, by a static list of
 * keys (regions, tenants), or by a product of these ({@code multi}).
 *
 * <p>A partitioning parses and formats canonical keys, enumerates ranges lazily (a range of a million
 * partitions is never materialised) and maps instants to partitions. Time partitions are half-open
 * windows {@code [start, end)} measured in elapsed time, so a Europe/Berlin day can be 23 or 25
 * hours long.
 *
 * <pre>{@code
 * Partitioning days = Partitioning.daily(ZoneId.of("Europe/Berlin"));
 * Partitioning dayByRegion = Partitioning.multi(days, Partitioning.keys("eu", "us").named("region"));
 * for (Partition p : dayByRegion.enumerate(PartitionRange.of("2024-03-01|eu", "2024-03-31|us"))) {
 *   // 2024-03-01|eu, 2024-03-01|us, 2024-03-02|eu, ...
 * }
 * }</pre>
 *
 * <p>Implementations are immutable and thread-safe. Equal partitionings produce equal partitions.
 */
public sealed interface Partitioning permits SingleDimension, MultiPartitioning, CronPartitioning {

  /**
   * One partition per hour of elapsed time, aligned on whole local hours of the zone. Keys are
   * {@code YYYY-MM-DDTHH} in local time; an hour that occurs twice at the end of daylight saving
   * time carries its offset ({@code 2024-10-27T02+02:00} and {@code 2024-10-27T02+01:00}).
   *
   * @param zone the zone whose local hours name the partitions
   * @return an hourly partitioning with dimension name {@code hour}
   */
  static Partitioning hourly(ZoneId zone) {
    return new CalendarPartitioning(CalendarPartitioning.Unit.HOUR, zone, DayOfWeek.MONDAY, "hour");
  }

  /**
   * One partition per local day of the zone, keyed {@code YYYY-MM-DD}.
   *
   * @param zone the zone whose local days are the partitions
   * @return a daily partitioning with dimension name {@code day}
   */
  static Partitioning daily(ZoneId zone) {
    return new CalendarPartitioning(CalendarPartitioning.Unit.DAY, zone, DayOfWeek.MONDAY, "day");
  }

  /**
   * One partition per week starting on {@code firstDayOfWeek}, keyed by the date of its first day.
   *
   * @param zone the zone whose local days make the weeks
   * @param firstDayOfWeek the day each week starts on
   * @return a weekly partitioning with dimension name {@code week}
   */
  static Partitioning weekly(ZoneId zone, DayOfWeek firstDayOfWeek) {
    return new CalendarPartitioning(CalendarPartitioning.Unit.WEEK, zone, firstDayOfWeek, "week");
  }

  /**
   * One partition per calendar month of the zone, keyed {@code YYYY-MM}.
   *
   * @param zone the zone whose local months are the partitions
   * @return a monthly partitioning with dimension name {@code month}
   */
  static Partitioning monthly(ZoneId zone) {
    return new CalendarPartitioning(CalendarPartitioning.Unit.MONTH, zone, DayOfWeek.MONDAY, "month");
  }

  /**
   * One partition per calendar year of the zone, keyed {@code YYYY}.
   *
   * @param zone the zone whose local years are the partitions
   * @return a yearly partitioning with dimension name {@code year}
   */
  static Partitioning yearly(ZoneId zone) {
    return new CalendarPartitioning(CalendarPartitioning.Unit.YEAR, zone, DayOfWeek.MONDAY, "year");
  }

  /**
   * One partition per interval between two consecutive times of a cron schedule in a zone: the
   * partition of a fire time runs until the next one. Expressions are Unix cron (five fields:
   * minute, hour, day of month, month, day of week), parsed by cron-utils ({@code com.cronutils:cron-utils},
   * an optional dependency: add it to your build to use cron partitions). Keys are the local start
   * {@code YYYY-MM-DDTHH:MM}; a start that occurs twice when the clocks go back carries its offset
   * ({@code 2024-11-03T01:30-04:00}), and a time the clocks skip is not a partition.
   *
   * <pre>{@code
   * Partitioning shifts = Partitioning.cron("0 6,14,22 * * *", ZoneId.of("Europe/Berlin"));   // 8-hour shifts
   * }</pre>
   *
   * @param expression a Unix cron expression such as {@code 0 6 * * *}
   * @param zone the zone whose local times the expression names
   * @return a cron partitioning with dimension name {@code start}
   * @throws InvalidConfigurationException for an expression that does not parse, naming it
   */
  static Partitioning cron(String expression, ZoneId zone) {
    return CronPartitioning.of(expression, zone);
  }

  /**
   * Resolves a zone id, failing with a message that names it and the expected form.
   *
   * @param zoneId a region id such as {@code Europe/Berlin}, {@code UTC} or an offset such as
   *     {@code +02:00}
   * @return the zone
   * @throws InvalidRangeException if the id is not a known zone
   */
  static ZoneId zone(String zoneId) {
    try {
      return ZoneId.of(zoneId);
    } catch (DateTimeException e) {
      throw new InvalidRangeException("unknown zone '" + zoneId
          + "'; expected a region id such as Europe/Berlin, UTC, or an offset such as +02:00");
    }
  }

  /**
   * One partition per static key, in the given order (for example regions or tenants). Keys must be
   * non-empty, unique, and must not contain {@code |}.
   *
   * @param keys the keys
   * @return a key partitioning with dimension name {@code key}; rename it with {@link #named}
   * @throws InvalidPartitionKeyException for an empty, duplicate or malformed key
   */
  static Partitioning keys(String... keys) {
    return new StaticKeyPartitioning(java.util.Arrays.asList(keys), "key");
  }

  /**
   * One partition per static key, in the given order.
   *
   * @param keys the keys
   * @return a key partitioning with dimension name {@code key}
   * @throws InvalidPartitionKeyException for an empty, duplicate or malformed key
   */
  static Partitioning keys(List<String> keys) {
    return new StaticKeyPartitioning(new ArrayList<>(keys), "key");
  }

  /**
   * The product of two or more single-dimension partitionings, for example day × region. Keys join
   * the dimensions with {@code |} ({@code 2024-03-01|eu}); enumeration runs the first dimension
   * outermost. At most one dimension may be a time dimension; it gives the partition its window.
   *
   * @param first outermost dimension
   * @param second next dimension
   * @param more further dimensions
   * @return the multi-dimensional partitioning
   * @throws InvalidConfigurationException if dimension names repeat, a part is itself multi, or
   *     more than one dimension is time-based
   */
  static Partitioning multi(Partitioning first, Partitioning second, Partitioning... more) {
    List<Partitioning> all = new ArrayList<>();
    all.add(first);
    all.add(second);
    all.addAll(List.of(more));
    return new MultiPartitioning(all);
  }

  /**
   * Returns a copy with another dimension name (the token and column name it is known by).
   *
   * @param dimension new name, a lower-case identifier such as {@code region}
   * @return the renamed partitioning
   * @throws InvalidConfigurationException for a multi partitioning or an invalid name
   */
  Partitioning named(String dimension);

  /**
   * Returns the dimension names, outermost first.
   *
   * @return dimension names
   */
  List<String> dimensions();

  /**
   * Tells whether partitions have a time window.
   *
   * @return true for hourly, daily, weekly, monthly and multi partitionings with a time dimension
   */
  boolean isTimeBased();

  /**
   * Returns the zone of the time dimension.
   *
   * @return the zone, if there is a time dimension
   */
  Optional<ZoneId> zone();

  /**
   * Validates a key and returns it in canonical form.
   *
   * @param key key text
   * @return the canonical key
   * @throws InvalidPartitionKeyException naming the value and the expected form
   */
  default PartitionKey parse(String key) {
    return partition(key).key();
  }

  /**
   * Returns the partition a key names.
   *
   * @param key key text
   * @return the partition
   * @throws InvalidPartitionKeyException naming the value and the expected form
   */
  Partition partition(String key);

  /**
   * Returns the partition containing an instant. Only for single time partitionings.
   *
   * @param instant any instant
   * @return the partition whose window contains it
   * @throws UnsupportedOperationException for key and multi partitionings
   */
  Partition partitionAt(Instant instant);

  /**
   * Enumerates a range lazily, in partition order.
   *
   * @param range inclusive bounds
   * @return a lazy sequence of the partitions in the range
   * @throws InvalidRangeException if a bound does not parse, is misaligned, or start is after end
   */
  PartitionSequence enumerate(PartitionRange range);

  /**
   * Returns the static keys of each key dimension ({@link #keys(String...)}), by dimension name, so
   * that a destination can check that they stay distinct where it stores them.
   *
   * @return keys by dimension, in dimension order; empty when no dimension has static keys
   */
  Map<String, List<String>> staticKeys();

  /**
   * Returns the names of the built-in tokens every partition of this partitioning defines.
   *
   * @return token names
   */
  Set<String> tokenNames();

  /**
   * Returns a copy whose first partition is {@code firstKey}: ranges and keys before it are refused,
   * and {@link #completeAsOf} lists from it. Only for time partitionings.
   *
   * <pre>{@code
   * Partitioning days = Partitioning.daily(ZoneOffset.UTC).startingAt("2024-01-01");
   * days.enumerate(PartitionRange.of("2023-12-31", "2024-01-05"));   // InvalidRangeException: before 2024-01-01
   * }</pre>
   *
   * @param firstKey key of the first partition
   * @return the partitioning starting there
   * @throws InvalidPartitionKeyException when the key is not a key of this partitioning
   * @throws InvalidConfigurationException for static keys and multi partitionings (set it on the time
   *     dimension before combining)
   */
  default Partitioning startingAt(String firstKey) {
    throw new InvalidConfigurationException(describe() + " has no time dimension of its own; startingAt(\"" + firstKey
        + "\") needs an hourly, daily, weekly, monthly, yearly or cron partitioning (set it on the time dimension"
        + " before multi(...))");
  }

  /**
   * Returns a copy that lists, as of an instant, {@code partitions} more partitions than have ended
   * (1: the partition still open is listed and planned, partial), or fewer (-1: the last partition
   * that ended is not listed yet), as Dagster's {@code end_offset} does. Plans follow it: they leave
   * out what is not listed and plan the listed open partitions as partial. Only for time partitionings.
   *
   * @param partitions -10,000 .. 10,000, default 0
   * @return the partitioning with that offset
   * @throws InvalidConfigurationException for static keys and multi partitionings
   */
  default Partitioning withEndOffset(int partitions) {
    throw new InvalidConfigurationException(describe() + " has no time dimension of its own; withEndOffset("
        + partitions + ") needs an hourly, daily, weekly, monthly, yearly or cron partitioning");
  }

  /**
   * Returns the configured first partition ({@link #startingAt}).
   *
   * @return the first partition, if configured
   */
  default Optional<PartitionKey> firstPartition() {
    return Optional.empty();
  }

  /**
   * Returns the end offset ({@link #withEndOffset}), 0 unless configured; for a multi partitioning,
   * its time dimension's.
   *
   * @return the end offset in partitions
   */
  default int endOffset() {
    return 0;
  }

  /**
   * Lists the partitions as of an instant: from the first partition ({@link #startingAt}, required)
   * to the last one that had ended at that instant, moved by the {@linkplain #withEndOffset end offset}.
   *
   * <pre>{@code
   * Partitioning days = Partitioning.daily(ZoneOffset.UTC).startingAt("2024-03-01");
   * days.completeAsOf(Instant.parse("2024-03-04T10:00:00Z"));                    // 03-01, 03-02, 03-03
   * days.withEndOffset(1).completeAsOf(Instant.parse("2024-03-04T10:00:00Z"));   // ... and 03-04, still open
   * }</pre>
   *
   * @param instant the moment of the listing
   * @return the listed partitions, empty when none has ended yet
   * @throws InvalidConfigurationException without a first partition, or for a partitioning without time
   */
  default PartitionSequence completeAsOf(Instant instant) {
    if (this instanceof TimeDimension time) {
      return TimeDimension.completeAsOf(time, java.util.Objects.requireNonNull(instant, "instant"));
    }
    throw new InvalidConfigurationException(describe() + " has no time dimension of its own; completeAsOf(" + instant
        + ") needs an hourly, daily, weekly, monthly, yearly or cron partitioning");
  }

  /**
   * Returns a short description such as {@code daily(Europe/Berlin)}.
   *
   * @return description
   */
  String describe();
}
