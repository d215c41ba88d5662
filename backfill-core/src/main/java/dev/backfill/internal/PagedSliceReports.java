package dev.backfill.internal;

import dev.backfill.SliceReport;
import dev.backfill.SliceStatus;
import dev.backfill.spi.SliceRecord;
import dev.backfill.spi.StateStore;
import java.util.AbstractList;
import java.util.EnumMap;
import java.util.List;
import java.util.Map;
import java.util.RandomAccess;

/**
 * The slices of a big run's report (more than {@value StoredSlices#LISTED_IN_FULL}): a read-only list
 * that reads the state store one page at a time as a caller walks it, keeping only the page last
 * read, so that a report of millions of slices fits a small heap. Its counts are those taken when
 * the report was made; its slices are as the store has them when read.
 */
public final class PagedSliceReports extends AbstractList<SliceReport> implements RandomAccess {
  private final StateStore store;
  private final String runId;
  private final int size;
  private final Map<SliceStatus, Integer> counts;
  private int pageStart = -1;
  private List<SliceReport> page = List.of();

  PagedSliceReports(StateStore store, String runId, int size, Map<SliceStatus, Integer> counts) {
    this.store = store;
    this.runId = runId;
    this.size = size;
    this.counts = new EnumMap<>(SliceStatus.class);
    this.counts.putAll(counts);
  }

  /**
   * Counts of the run's slices by status when the report was made.
   *
   * @return counts, only statuses present
   */
  public Map<SliceStatus, Integer> counts() {
    return new EnumMap<>(counts);
  }

  @Override
  public synchronized SliceReport get(int index) {
    if (index < 0 || index >= size) {
      throw new IndexOutOfBoundsException("slice " + index + " of a run of " + size + " slices");
    }
    if (pageStart < 0 || index < pageStart || index >= pageStart + page.size()) {
      int from = index - index % StoredSlices.PAGE;
      List<SliceRecord> records = store.slices(runId, from, StoredSlices.PAGE);
      page = records.stream().map(SliceReport::of).toList();
      pageStart = from;
      if (index >= from + page.size()) {
        throw new IllegalStateException("slice " + index + " of run " + runId + " is no longer in the state store");
      }
    }
    return page.get(index - pageStart);
  }

  @Override
  public int size() {
    return size;
  }
}
