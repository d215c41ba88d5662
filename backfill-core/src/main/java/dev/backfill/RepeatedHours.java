package dev.backfill;

import java.util.Arrays;
import org.jspecify.annotations.Nullable;

/**
 * The runs of hourly partitions of a range whose local hours occur twice (the hour repeated when
 * clocks go back in autumn), which every plan keeps in one slice: they carry the same local
 * {@code hour} value, so a destination that stores local hours cannot tell them apart, and a slice
 * holding only one of them would delete or update the other's rows. Together they are one slice
 * whose window covers both instants and whose local value is the one they share.
 *
 * <p>Slicing counts <i>units</i>: a partition outside any run is a unit, a whole run is one unit.
 * Runs are few (one per year and zone), so the mapping between units and partitions of a run of
 * selected partitions is a binary search over them.
 */
final class RepeatedHours {
  static final RepeatedHours NONE = new RepeatedHours(null, 0, new long[0], new int[0]);

  private final @Nullable CalendarPartitioning hourly;
  private final long firstOrdinal;
  // Runs in range-index space, ascending; a run may start before 0 or end after the range when the
  // range cuts it.
  private final long[] starts;
  private final int[] lengths;
  // collapsed[g]: partitions absorbed into units by the runs before run g (sum of length - 1).
  private final long[] collapsed;

  private RepeatedHours(@Nullable CalendarPartitioning hourly, long firstOrdinal, long[] starts, int[] lengths) {
    this.hourly = hourly;
    this.firstOrdinal = firstOrdinal;
    this.starts = starts;
    this.lengths = lengths;
    this.collapsed = new long[starts.length + 1];
    for (int g = 0; g < starts.length; g++) {
      collapsed[g + 1] = collapsed[g] + lengths[g] - 1;
    }
  }

  /** The runs of repeated local hours of a range; none unless the partitioning is hourly. */
  static RepeatedHours of(Partitioning partitioning, PartitionSequence sequence) {
    if (!(partitioning instanceof CalendarPartitioning c) || c.unit != CalendarPartitioning.Unit.HOUR
        || !(sequence instanceof SingleDimension.OrdinalSequence o)) {
      return NONE;
    }
    long[] runs = c.repeatedHourRuns(o.first, o.last);
    if (runs.length == 0) {
      return NONE;
    }
    long[] starts = new long[runs.length / 2];
    int[] lengths = new int[runs.length / 2];
    for (int g = 0; g < starts.length; g++) {
      starts[g] = runs[2 * g] - o.first;
      lengths[g] = (int) runs[2 * g + 1];
    }
    return new RepeatedHours(c, o.first, starts, lengths);
  }

  boolean isEmpty() {
    return starts.length == 0;
  }

  /** The run holding a range index, or -1. */
  int runAt(long index) {
    int g = Arrays.binarySearch(starts, index);
    if (g < 0) {
      g = -g - 2;
    }
    return g >= 0 && index < starts[g] + lengths[g] ? g : -1;
  }

  long start(int run) {
    return starts[run];
  }

  int length(int run) {
    return lengths[run];
  }

  /** Tells whether the range of {@code size} partitions holds only part of a run. */
  boolean isCut(int run, long size) {
    return starts[run] < 0 || starts[run] + lengths[run] > size;
  }

  /** Says which run a range cuts and what to plan instead. */
  InvalidRangeException cutBy(int run, PartitionRange range) {
    CalendarPartitioning hourly = java.util.Objects.requireNonNull(this.hourly);
    long first = firstOrdinal + starts[run];
    long last = first + lengths[run] - 1;
    String local = hourly.keyAt(first).replaceAll("[+-]\\d{2}:\\d{2}(:\\d{2})?$|Z$", "");
    return new InvalidRangeException("range " + range + " holds only part of " + hourly.keyAt(first) + " .. "
        + hourly.keyAt(last) + ", the local hours " + local + " that " + hourly.zone
        + " repeats when its clocks go back. They carry the same local hour, which a destination storing local"
        + " hours cannot tell apart, so they are planned and written together: plan a range that starts at or"
        + " before " + hourly.keyAt(first) + " and ends at or after " + hourly.keyAt(last)
        + ", or one that leaves the selected part out");
  }

  /** Units among the partitions {@code [start, start + count)}, which cut no run. */
  long units(long start, long count) {
    if (starts.length == 0) {
      return count;
    }
    return count - (collapsed[firstRunFrom(start + count)] - collapsed[firstRunFrom(start)]);
  }

  /**
   * The partition offset, within the partitions starting at {@code start}, of the unit {@code unit}
   * of them (units past the end map past the end).
   */
  long partitionOffset(long start, long unit) {
    if (starts.length == 0) {
      return unit;
    }
    int from = firstRunFrom(start);
    // Last run g >= from whose unit offset (its partition offset minus what earlier runs absorbed) is < unit.
    int lo = from;
    int hi = starts.length - 1;
    int found = from - 1;
    while (lo <= hi) {
      int mid = (lo + hi) >>> 1;
      long unitOfRun = starts[mid] - start - (collapsed[mid] - collapsed[from]);
      if (unitOfRun < unit) {
        found = mid;
        lo = mid + 1;
      } else {
        hi = mid - 1;
      }
    }
    return unit + (collapsed[found + 1] - collapsed[from]);
  }

  /** The first run starting at or after an index. */
  private int firstRunFrom(long index) {
    int g = Arrays.binarySearch(starts, index);
    return g >= 0 ? g : -g - 1;
  }
}
