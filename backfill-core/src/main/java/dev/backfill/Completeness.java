package dev.backfill;

import java.time.Duration;
import java.time.Instant;
import org.jspecify.annotations.Nullable;

/**
 * Which partitions of a range have ended, with their lateness, at the planner's "now": a partition is
 * complete when {@code end + lateness <= now}; partitions without a window (static keys) always are.
 * Ends grow with the time dimension's position, so one binary search over it finds the first
 * incomplete position and each partition is then answered by arithmetic, whatever the range's size.
 */
final class Completeness {
  private final PartitionSequence sequence;
  private final Duration lateness;
  private final MultiPartitioning.@Nullable ProductSequence product;
  private final int timeDimension;
  // First position of the time dimension (or of the range, for a single time partitioning) whose
  // partition is not complete; the size when all are.
  private final long firstIncomplete;
  private final boolean timed;

  private Completeness(Partitioning partitioning, PartitionSequence sequence, Instant now, Duration lateness) {
    this.sequence = sequence;
    this.lateness = lateness;
    this.timed = partitioning.isTimeBased();
    if (sequence instanceof MultiPartitioning.ProductSequence p && partitioning instanceof MultiPartitioning m
        && m.timeIndex() >= 0) {
      this.product = p;
      this.timeDimension = m.timeIndex();
      SingleDimension.OrdinalSequence times = p.part(timeDimension);
      this.firstIncomplete = search(times, now);
    } else {
      this.product = null;
      this.timeDimension = -1;
      this.firstIncomplete = timed ? search(sequence, now) : sequence.size();
    }
  }

  static Completeness of(Partitioning partitioning, PartitionSequence sequence, Instant now, Duration lateness) {
    return new Completeness(partitioning, sequence, now, lateness);
  }

  /** Tells whether the partition at a range index is complete. */
  boolean complete(long index) {
    if (!timed) {
      return true;
    }
    long position = product == null ? index : product.partIndex(index, timeDimension);
    return position < firstIncomplete;
  }

  /** Tells whether every partition of the range is complete. */
  boolean all() {
    return !timed || firstIncomplete >= (product == null ? sequence.size() : product.part(timeDimension).size());
  }

  /** When the partition at an index is complete: its end plus the lateness; null without a window. */
  @Nullable Instant completeAt(long index) {
    return sequence.get(index).window().map(w -> w.end().plus(lateness)).orElse(null);
  }

  private long search(PartitionSequence times, Instant now) {
    long lo = 0;
    long hi = times.size();
    while (lo < hi) {
      long mid = (lo + hi) >>> 1;
      Instant end = times.get(mid).window().orElseThrow().end();
      if (end.plus(lateness).isAfter(now)) {
        hi = mid;
      } else {
        lo = mid + 1;
      }
    }
    return lo;
  }
}
