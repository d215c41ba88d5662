package dev.backfill.internal;

import dev.backfill.Progress;
import dev.backfill.RunDetails;
import dev.backfill.RunReport;
import dev.backfill.SliceHistory;
import dev.backfill.SliceReport;
import dev.backfill.SliceStatus;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import java.util.function.Function;
import java.util.stream.Collectors;

/**
 * The slices a report renders (HTML and JSON of a run's details, JSON of a run report): every slice of
 * a run of up to {@value #ALL_UP_TO} slices; of a bigger run, in index order, the first {@value #FIRST},
 * up to {@value #NOTABLE} failed or running ones and the slowest (skew outliers), gathered in one walk
 * of the run's slices. A report of millions of slices would not fit a heap, nor be read by anyone; its
 * counts and figures come from the progress or the report's counts, which cover every slice.
 *
 * @param slices the slices to render, in index order
 * @param notShown how many of the run's slices are left out
 * @param <T> {@link SliceHistory} or {@link SliceReport}
 */
record ShownSlices<T>(List<T> slices, int notShown) {
  static final int ALL_UP_TO = 2_000;
  static final int FIRST = 1_000;
  static final int NOTABLE = 1_000;

  /** The slices of a run's details; the slowest are the progress's skew outliers. */
  static ShownSlices<SliceHistory> of(RunDetails d, Progress p) {
    if (d.slices().size() <= ALL_UP_TO) {
      return new ShownSlices<>(d.slices(), 0);
    }
    Set<String> slowest = p.outliers().stream().map(Progress.Outlier::sliceKey).collect(Collectors.toSet());
    return select(d.slices(), slowest, SliceHistory::key, SliceHistory::status);
  }

  /**
   * The slices of a run report; the slowest are the skew outliers of its slices' last attempts, as a
   * paged report gathered them when it was made, or from one more walk of an in-memory list.
   */
  static ShownSlices<SliceReport> of(RunReport r) {
    if (r.slices().size() <= ALL_UP_TO) {
      return new ShownSlices<>(r.slices(), 0);
    }
    Set<String> slowest;
    if (r.slices() instanceof PagedSliceReports paged) {
      slowest = paged.slowest();
    } else {
      DurationSample done = new DurationSample();
      r.slices().forEach(s -> addFinished(done, s.key(), s.status(), s.duration()));
      slowest = slowest(done);
    }
    return select(r.slices(), slowest, SliceReport::key, SliceReport::status);
  }

  /** Adds a slice's last attempt to a sample when the slice finished (committed or failed). */
  static void addFinished(DurationSample done, String key, SliceStatus status, Optional<Duration> duration) {
    boolean finished = status == SliceStatus.SUCCEEDED || status == SliceStatus.FAILED
        || status == SliceStatus.FAILED_CHECK;
    if (finished && duration.isPresent()) {
      done.add(key, duration.get().toNanos());
    }
  }

  /** The keys of a sample's skew outliers, as {@link Progress#outliers()} has them for finished slices. */
  static Set<String> slowest(DurationSample done) {
    return ProgressTracker.timing(done, List.of(), Instant.EPOCH).outliers().stream()
        .map(Progress.Outlier::sliceKey).collect(Collectors.toUnmodifiableSet());
  }

  private static <T> ShownSlices<T> select(List<T> all, Set<String> slowest, Function<T, String> key,
      Function<T, SliceStatus> status) {
    List<T> shown = new ArrayList<>();
    int notable = 0;
    for (T s : all) {
      SliceStatus st = status.apply(s);
      boolean failedOrRunning = st == SliceStatus.FAILED || st == SliceStatus.FAILED_CHECK || st == SliceStatus.RUNNING;
      if (shown.size() < FIRST || slowest.contains(key.apply(s))) {
        shown.add(s);
      } else if (failedOrRunning && notable < NOTABLE) {
        shown.add(s);
        notable++;
      }
    }
    return new ShownSlices<>(List.copyOf(shown), all.size() - shown.size());
  }

  /** A line telling what a capped report leaves out, or "" when it shows every slice. */
  String notShownLine() {
    return notShown == 0 ? "" : String.format(java.util.Locale.ROOT, "%,d more slices not shown: this report lists"
        + " the first %,d slices, up to %,d failed or running ones and the slowest; the counts and figures above"
        + " cover every slice.", notShown, FIRST, NOTABLE);
  }
}
