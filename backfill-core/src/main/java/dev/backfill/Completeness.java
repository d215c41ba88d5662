package dev.backfill;

import java.time.Duration;
import java.time.Instant;
import org.jspecify.annotations.Nullable;

/**
 * Which partitions of a range have ended, with their lateness, at the planner's "now": a partition is
 * complete when {@code end + lateness <= now}; partitions without a window (static keys) always are.
 * Ends grow with the time dimension's position, so one binary search over it finds the first
 * incomplete position and each partition is then answered by arithmetic, whatever the range's size.
 *
 * <p>A partitioning's end offset moves what is <em>listed</em>: with 1 the first incomplete
 * position is listed too (planned partial), with -1 the last complete one is not listed yet.
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
  private final int endOffset;
  private final @Nullable TimeDimension time;

  private Completeness(Partitioning partitioning, PartitionSequence sequence, Instant now, Duration lateness) {
    this.sequence = sequence;
    this.lateness = lateness;
    this.timed = partitioning.isTimeBased();
    this.endOffset = partitioning.endOffset();
    this.time = partitioning instanceof MultiPartitioning m && m.timeIndex() >= 0
        ? (TimeDimension) m.parts.get(m.timeIndex()) : partitioning instanceof TimeDimension t ? t : null;
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
    return !timed || position(index) < firstIncomplete;
  }

  /** Tells whether the partition at a range index is listed now: complete, moved by the end offset. */
  boolean listed(long index) {
    return !timed || position(index) < firstIncomplete + endOffset;
  }

  private long position(long index) {
    return product == null ? index : product.partIndex(index, timeDimension);
  }

  /**
   * When the partition at an index is listed: when the partition {@code endOffset} steps before it is
   * complete; null without a window.
   */
  @Nullable Instant listedAt(long index) {
    if (endOffset == 0 || time == null) {
      return completeAt(index);
    }
    Partition p = product == null ? sequence.get(index) : product.part(timeDimension).get(position(index));
    return time.shift(p, -endOffset).window().orElseThrow().end().plus(lateness);
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
