package dev.backfill.internal;

import dev.backfill.SliceReport;
import dev.backfill.SliceStats;
import dev.backfill.SliceStatus;
import dev.backfill.spi.SliceRecord;
import dev.backfill.spi.StateStore;
import java.util.ArrayList;
import java.util.Collections;
import java.util.EnumMap;
import java.util.List;
import java.util.Map;
import java.util.function.Consumer;
import org.jspecify.annotations.Nullable;

/**
 * Walks a run's slices in the state store page by page ({@link StateStore#slices(String, int, int)}),
 * so that finishing, reporting or re-planning a run of millions of slices holds one page at a time.
 */
public final class StoredSlices {
  /** Slices read per round trip. */
  static final int PAGE = 1_000;
  /** Runs up to this many slices get a report that lists every slice; bigger ones a paged view. */
  static final int LISTED_IN_FULL = 100_000;

  private StoredSlices() {}

  /**
   * Calls {@code action} for every slice of a run, in index order, reading one page at a time.
   *
   * @param store the state store
   * @param runId the run
   * @param action what to do with each slice
   */
  public static void forEach(StateStore store, String runId, Consumer<SliceRecord> action) {
    for (int from = 0; ; from += PAGE) {
      List<SliceRecord> page = store.slices(runId, from, PAGE);
      page.forEach(action);
      if (page.size() < PAGE) {
        return;
      }
    }
  }

  /**
   * Counts, committed rows and summed statistics of a run's slices, and the first that did not
   * commit: everything a finisher and a report need, gathered in one pass of bounded memory.
   */
  static final class Tally implements Consumer<SliceRecord> {
    final Map<SliceStatus, Integer> counts = new EnumMap<>(SliceStatus.class);
    int total;
    long rows;
    SliceStats stats = SliceStats.EMPTY;
    @Nullable SliceRecord firstOpen;
    private final boolean sumStats;
    private final @Nullable List<SliceReport> listed;
    // For a report that pages: the slowest slices its JSON shows, found in this walk, not another.
    private final @Nullable DurationSample durations;

    private Tally(boolean sumStats, boolean list) {
      this.sumStats = sumStats;
      this.listed = list ? new ArrayList<>() : null;
      this.durations = list ? null : new DurationSample();
    }

    /** Reads every slice of a run once. */
    static Tally of(StateStore store, String runId, boolean sumStats, boolean list) {
      Tally t = new Tally(sumStats, list);
      forEach(store, runId, t);
      return t;
    }

    @Override
    public void accept(SliceRecord r) {
      total++;
      counts.merge(r.status(), 1, Integer::sum);
      if (r.status() == SliceStatus.SUCCEEDED) {
        rows += r.rows();
        if (sumStats) {
          stats = stats.plus(r.stats());
        }
      } else if (firstOpen == null) {
        firstOpen = r;
      }
      if (listed != null) {
        listed.add(SliceReport.of(r));
      } else if (durations != null) {
        ShownSlices.addFinished(durations, r.key(), r.status(), r.duration());
      }
    }

    int open() {
      return total - counts.getOrDefault(SliceStatus.SUCCEEDED, 0);
    }

    /**
     * Tells whether every slice read had ended (none PENDING or RUNNING): once its run is finishing no
     * worker changes such slices, so a report may be built from this walk instead of another.
     */
    boolean settled() {
      return counts.getOrDefault(SliceStatus.PENDING, 0) == 0 && counts.getOrDefault(SliceStatus.RUNNING, 0) == 0;
    }

    /** The slices for a report: all of them, or a view that reads pages when a caller looks. */
    List<SliceReport> slices(StateStore store, String runId) {
      return listed != null ? Collections.unmodifiableList(listed)
          : new PagedSliceReports(store, runId, total, counts,
              durations == null ? java.util.Set.of() : ShownSlices.slowest(durations));
    }
  }
}
