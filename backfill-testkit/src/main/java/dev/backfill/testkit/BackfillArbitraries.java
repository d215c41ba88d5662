package dev.backfill.testkit;

import static java.util.Objects.requireNonNull;

import dev.backfill.Backfill;
import dev.backfill.BackfillPlan;
import dev.backfill.CancelMode;
import dev.backfill.PartitionRange;
import dev.backfill.PartitionSequence;
import dev.backfill.Partitioning;
import dev.backfill.PlanOptions;
import dev.backfill.Selection;
import java.time.DayOfWeek;
import java.time.Instant;
import java.time.ZoneId;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import net.jqwik.api.Arbitraries;
import net.jqwik.api.Arbitrary;
import net.jqwik.api.Combinators;
import net.jqwik.api.Tuple;

/**
 * jqwik generators for backfill properties: partitionings, valid ranges of a partitioning, plans,
 * transient-failure schedules and cancel points. They shrink towards small ranges, the first
 * partitions, no failures and early cancels.
 *
 * <pre>{@code
 * @Property(tries = 50)
 * void rerunningAnyRangeIsIdempotent(@ForAll("marchRanges") PartitionRange range) { ... }
 *
 * @Provide
 * Arbitrary<PartitionRange> marchRanges() {
 *   return BackfillArbitraries.ranges(Partitioning.daily(ZoneOffset.UTC), PartitionRange.of("2024-03-01", "2024-03-31"));
 * }
 * }</pre>
 *
 * <p>{@link #ranges(Partitioning)} knows the possible keys of single time partitionings and of the
 * partitionings generated here; for your own static-key or multi partitionings pass the full range
 * to {@link #ranges(Partitioning, PartitionRange)}.
 */
public final class BackfillArbitraries {
  /** Ranges of time partitionings are drawn from this window. */
  private static final Instant WINDOW_START = Instant.parse("2023-12-25T00:00:00Z");
  private static final Instant WINDOW_END = Instant.parse("2025-01-05T00:00:00Z");
  private static final int DEFAULT_MAX_PARTITIONS = 31;

  /** The keys of each static dimension generated here, so ranges can be drawn for them. */
  private static final Map<Partitioning, List<String>> KEYS = new ConcurrentHashMap<>();
  /** The (time, keys) parts of each multi partitioning generated here. */
  private static final Map<Partitioning, Map.Entry<Partitioning, Partitioning>> PARTS = new ConcurrentHashMap<>();

  private BackfillArbitraries() {}

  /**
   * Zones with interesting calendars: UTC, Europe/Berlin and America/New_York (DST), Asia/Kolkata
   * (half-hour offset), Australia/Lord_Howe (half-hour DST).
   *
   * @return zones
   */
  public static Arbitrary<ZoneId> zones() {
    return Arbitraries.of(ZoneId.of("UTC"), ZoneId.of("Europe/Berlin"), ZoneId.of("America/New_York"),
        ZoneId.of("Asia/Kolkata"), ZoneId.of("Australia/Lord_Howe"));
  }

  /**
   * Hourly, daily, weekly (any first day) and monthly partitionings in {@link #zones()} (hourly ones
   * only in zones whose offset changes by whole hours).
   *
   * @return calendar partitionings
   */
  public static Arbitrary<Partitioning> calendarPartitionings() {
    // hourly partitions need whole-hour offset changes, which Lord Howe's half-hour DST is not
    Arbitrary<Partitioning> hourly = zones().filter(z -> !z.getId().equals("Australia/Lord_Howe")).map(Partitioning::hourly);
    Arbitrary<Partitioning> daily = zones().map(Partitioning::daily);
    Arbitrary<Partitioning> weekly = Combinators.combine(zones(), Arbitraries.of(DayOfWeek.class)).as(Partitioning::weekly);
    Arbitrary<Partitioning> monthly = zones().map(Partitioning::monthly);
    return Arbitraries.frequencyOf(Tuple.of(3, daily), Tuple.of(2, hourly), Tuple.of(1, weekly), Tuple.of(1, monthly));
  }

  /**
   * Static key partitionings of 1 to 6 distinct short keys.
   *
   * @return key partitionings
   */
  public static Arbitrary<Partitioning> keyPartitionings() {
    return Arbitraries.strings().withCharRange('a', 'z').ofMinLength(1).ofMaxLength(4)
        .list().uniqueElements().ofMinSize(1).ofMaxSize(6)
        .map(keys -> {
          Partitioning p = Partitioning.keys(keys);
          KEYS.putIfAbsent(p, List.copyOf(keys));
          return p;
        });
  }

  /**
   * Day × region partitionings: daily in a zone times static region keys.
   *
   * @return multi partitionings
   */
  public static Arbitrary<Partitioning> multiPartitionings() {
    return Combinators.combine(zones().map(Partitioning::daily), keyPartitionings()).as((days, keys) -> {
      Partitioning regions = keys.named("region");
      KEYS.putIfAbsent(regions, KEYS.get(keys));
      Partitioning multi = Partitioning.multi(days, regions);
      PARTS.putIfAbsent(multi, Map.entry(days, regions));
      return multi;
    });
  }

  /**
   * Any partitioning: calendar, static keys or day × region.
   *
   * @return partitionings
   */
  public static Arbitrary<Partitioning> partitionings() {
    return Arbitraries.frequencyOf(Tuple.of(4, calendarPartitionings()), Tuple.of(1, keyPartitionings()),
        Tuple.of(1, multiPartitionings()));
  }

  /**
   * Valid ranges of up to 31 partitions of a partitioning (single time partitionings, or ones made by
   * this class).
   *
   * @param partitioning the partitioning
   * @return ranges it accepts
   * @throws IllegalArgumentException for static-key or multi partitionings not made here
   */
  public static Arbitrary<PartitionRange> ranges(Partitioning partitioning) {
    return ranges(partitioning, DEFAULT_MAX_PARTITIONS);
  }

  /**
   * Valid ranges of a partitioning with at most {@code maxPartitions} partitions (per dimension for
   * multi partitionings), one or two more where a range would otherwise hold only part of the hours
   * a zone repeats in autumn, which plans refuse.
   *
   * @param partitioning the partitioning
   * @param maxPartitions longest range, 1 or more
   * @return ranges it accepts
   */
  public static Arbitrary<PartitionRange> ranges(Partitioning partitioning, int maxPartitions) {
    requireNonNull(partitioning, "partitioning");
    if (maxPartitions < 1) {
      throw new IllegalArgumentException("maxPartitions must be >= 1, got " + maxPartitions);
    }
    Map.Entry<Partitioning, Partitioning> parts = PARTS.get(partitioning);
    if (parts != null) {
      Arbitrary<PartitionRange> days = ranges(parts.getKey(), maxPartitions);
      Arbitrary<PartitionRange> regions = ranges(parts.getValue(), maxPartitions);
      return Combinators.combine(days, regions, Arbitraries.of(true, false)).as((d, r, full) -> full
          ? d   // bounds of the first dimension only: every region of those days
          : PartitionRange.of(d.start() + "|" + r.start(), d.end() + "|" + r.end()));
    }
    List<String> keys = KEYS.get(partitioning);
    if (keys != null) {
      return subRanges(partitioning.enumerate(PartitionRange.of(keys.get(0), keys.get(keys.size() - 1))), maxPartitions);
    }
    if (partitioning.isTimeBased() && partitioning.dimensions().size() == 1) {
      PartitionRange window = PartitionRange.of(partitioning.partitionAt(WINDOW_START).key().value(),
          partitioning.partitionAt(WINDOW_END).key().value());
      return subRanges(partitioning.enumerate(window), maxPartitions);
    }
    throw new IllegalArgumentException("cannot tell the keys of " + partitioning.describe()
        + "; pass its full range: BackfillArbitraries.ranges(partitioning, PartitionRange.of(first, last))");
  }

  /**
   * Valid sub-ranges of a range of a single-dimension partitioning, any length.
   *
   * @param partitioning the partitioning
   * @param within the range to draw from, e.g. {@code 2024-03-01..2024-03-31} or {@code eu..us}
   * @return sub-ranges of {@code within}
   */
  public static Arbitrary<PartitionRange> ranges(Partitioning partitioning, PartitionRange within) {
    requireNonNull(partitioning, "partitioning");
    if (partitioning.dimensions().size() != 1) {
      throw new IllegalArgumentException("ranges(partitioning, within) takes a single-dimension partitioning; "
          + partitioning.describe() + " has " + partitioning.dimensions());
    }
    PartitionSequence all = partitioning.enumerate(within);
    return subRanges(all, (int) Math.min(Integer.MAX_VALUE, all.size()));
  }

  private static Arbitrary<PartitionRange> subRanges(PartitionSequence all, int maxPartitions) {
    long size = all.size();
    Arbitrary<Long> start = Arbitraries.longs().between(0, size - 1);
    Arbitrary<Integer> length = Arbitraries.integers().between(1, (int) Math.min(maxPartitions, size));
    return Combinators.combine(start, length).as((s, n) -> {
      long first = Math.min(s, size - n);
      long last = first + n - 1;
      // Plans keep the hours a zone repeats in autumn (equal local hour values) together and refuse a
      // range holding only some of them: take the whole run instead.
      while (first > 0 && sameValues(all, first - 1, first)) {
        first--;
      }
      while (last < size - 1 && sameValues(all, last, last + 1)) {
        last++;
      }
      return PartitionRange.of(all.keyAt(first).value(), all.keyAt(last).value());
    });
  }

  private static boolean sameValues(PartitionSequence all, long a, long b) {
    return all.get(a).dimensions().equals(all.get(b).dimensions());
  }

  /**
   * Plan options that plan every partition of a range ({@code RESTATE}, partitions that have not
   * ended included), in either order and, for single time partitionings, in batches of 1 to 3.
   *
   * @param partitioning the partitioning planned
   * @return plan options
   */
  public static Arbitrary<PlanOptions> planOptions(Partitioning partitioning) {
    int maxBatch = partitioning.isTimeBased() && partitioning.dimensions().size() == 1 ? 3 : 1;
    return Combinators.combine(Arbitraries.of(PlanOptions.Order.class), Arbitraries.integers().between(1, maxBatch))
        .as((order, batch) -> PlanOptions.defaults().select(Selection.RESTATE).order(order).batchSize(batch)
            .estimateRows(false).allowPartial());
  }

  /**
   * Plans of a backfill over its partitioning's ranges.
   *
   * @param backfill the backfill to plan with
   * @return plans
   */
  public static Arbitrary<BackfillPlan> plans(Backfill<?> backfill) {
    return plans(backfill, ranges(backfill.partitioning()));
  }

  /**
   * Plans of a backfill over given ranges.
   *
   * @param backfill the backfill to plan with
   * @param ranges ranges to plan
   * @return plans
   */
  public static Arbitrary<BackfillPlan> plans(Backfill<?> backfill, Arbitrary<PartitionRange> ranges) {
    requireNonNull(backfill, "backfill");
    return Combinators.combine(ranges, planOptions(backfill.partitioning())).as(backfill::plan);
  }

  /**
   * Schedules of transient failures over some partition keys: most partitions never fail, others
   * fail 1 to {@code maxFailuresPerPartition} times.
   *
   * @param partitionKeys keys that may fail
   * @param maxFailuresPerPartition most failures of one partition, 0 or more
   * @return failure schedules
   */
  public static Arbitrary<FailureSchedule> failureSchedules(List<String> partitionKeys, int maxFailuresPerPartition) {
    List<String> keys = List.copyOf(partitionKeys);
    if (maxFailuresPerPartition < 0) {
      throw new IllegalArgumentException("maxFailuresPerPartition must be >= 0, got " + maxFailuresPerPartition);
    }
    if (keys.isEmpty() || maxFailuresPerPartition == 0) {
      return Arbitraries.just(FailureSchedule.none());
    }
    Arbitrary<Integer> perKey = Arbitraries.frequencyOf(Tuple.of(3, Arbitraries.just(0)),
        Tuple.of(1, Arbitraries.integers().between(1, maxFailuresPerPartition)));
    return perKey.list().ofSize(keys.size()).map(counts -> {
      Map<String, Integer> failures = new HashMap<>();
      for (int i = 0; i < keys.size(); i++) {
        failures.put(keys.get(i), counts.get(i));
      }
      return new FailureSchedule(failures);
    });
  }

  /**
   * Schedules of transient failures over the partitions of a plan.
   *
   * @param plan the plan
   * @param maxFailuresPerPartition most failures of one partition
   * @return failure schedules
   */
  public static Arbitrary<FailureSchedule> failureSchedules(BackfillPlan plan, int maxFailuresPerPartition) {
    List<String> keys = new ArrayList<>();
    for (int i = 0; i < plan.sliceCount(); i++) {
      plan.partitions(i).forEach(p -> keys.add(p.key().value()));
    }
    return failureSchedules(keys, maxFailuresPerPartition);
  }

  /**
   * Cancel points within a run of some slices: after 0 to {@code slices} settled slices, GRACEFUL or
   * IMMEDIATE.
   *
   * @param slices slices of the run
   * @return cancel points
   */
  public static Arbitrary<CancelPoint> cancelPoints(int slices) {
    return Combinators.combine(Arbitraries.integers().between(0, Math.max(0, slices)), Arbitraries.of(CancelMode.class))
        .as(CancelPoint::new);
  }
}
