package dev.backfill.internal;

import dev.backfill.Progress;
import dev.backfill.RunDetails;
import dev.backfill.SliceHistory;
import dev.backfill.SliceStatus;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.stream.Collectors;

/**
 * The slices a report renders (HTML and JSON): every slice of a run of up to {@value #ALL_UP_TO}
 * slices; of a bigger run, in index order, the first {@value #FIRST}, up to {@value #NOTABLE} failed
 * or running ones and the slowest (the progress's skew outliers), gathered in one walk of the run's
 * slices. A report of millions of slices would not fit a heap, nor be read by anyone; its counts and
 * figures come from the progress, which covers every slice.
 *
 * @param slices the slices to render, in index order
 * @param notShown how many of the run's slices are left out
 */
record ShownSlices(List<SliceHistory> slices, int notShown) {
  static final int ALL_UP_TO = 2_000;
  static final int FIRST = 1_000;
  static final int NOTABLE = 1_000;

  static ShownSlices of(RunDetails d, Progress p) {
    List<SliceHistory> all = d.slices();
    if (all.size() <= ALL_UP_TO) {
      return new ShownSlices(all, 0);
    }
    Set<String> slowest = p.outliers().stream().map(Progress.Outlier::sliceKey).collect(Collectors.toSet());
    List<SliceHistory> shown = new ArrayList<>();
    int notable = 0;
    for (SliceHistory s : all) {
      boolean failedOrRunning = s.status() == SliceStatus.FAILED || s.status() == SliceStatus.FAILED_CHECK
          || s.status() == SliceStatus.RUNNING;
      if (shown.size() < FIRST || slowest.contains(s.key())) {
        shown.add(s);
      } else if (failedOrRunning && notable < NOTABLE) {
        shown.add(s);
        notable++;
      }
    }
    return new ShownSlices(List.copyOf(shown), all.size() - shown.size());
  }

  /** A line telling what a capped report leaves out, or "" when it shows every slice. */
  String notShownLine() {
    return notShown == 0 ? "" : String.format(java.util.Locale.ROOT, "%,d more slices not shown: this report lists"
        + " the first %,d slices, up to %,d failed or running ones and the slowest; the counts and figures above"
        + " cover every slice.", notShown, FIRST, NOTABLE);
  }
}
