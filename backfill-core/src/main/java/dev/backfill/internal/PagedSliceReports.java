package dev.backfill.internal;

import dev.backfill.SliceReport;
import dev.backfill.SliceStatus;
import dev.backfill.spi.StateStore;
import java.util.EnumMap;
import java.util.Map;
import java.util.Set;

/**
 * The slices of a big run's report (more than {@value StoredSlices#LISTED_IN_FULL}): a read-only list
 * that reads the state store one page at a time as a caller walks it ({@link PagedList}), so that a report of millions of slices fits a small heap. Its counts and slowest slices are
 * those taken when the report was made; its slices are as the store has them when read.
 */
public final class PagedSliceReports extends PagedList<SliceReport> {
  private final Map<SliceStatus, Integer> counts;
  private final Set<String> slowest;

  PagedSliceReports(StateStore store, String runId, int size, Map<SliceStatus, Integer> counts, Set<String> slowest) {
    super(size, StoredSlices.PAGE,
        (from, limit) -> store.slices(runId, from, limit).stream().map(SliceReport::of).toList(), "run " + runId);
    this.counts = new EnumMap<>(SliceStatus.class);
    this.counts.putAll(counts);
    this.slowest = Set.copyOf(slowest);
  }

  /**
   * Counts of the run's slices by status when the report was made.
   *
   * @return counts, only statuses present
   */
  public Map<SliceStatus, Integer> counts() {
    return new EnumMap<>(counts);
  }

  /** Keys of the slowest finished slices (skew outliers) when the report was made, for its capped JSON. */
  Set<String> slowest() {
    return slowest;
  }
}
