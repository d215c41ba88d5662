package dev.backfill;

import java.time.Duration;
import java.util.Optional;
import java.util.OptionalLong;

/**
 * What a plan is expected to cost. Figures are only given where there is a basis: the source's row
 * estimates, and durations from this target's run history; otherwise they are unknown, never guessed.
 *
 * @param slices slices to run
 * @param partitions partitions to run
 * @param rows estimated rows, when the source estimated every planned partition
 * @param rowsBasis how the rows figure was obtained, or why it is unknown
 * @param duration expected wall-clock duration at the plan's concurrency, when history exists
 * @param durationBasis how the duration was obtained, or why it is unknown
 */
public record CostEstimate(
    int slices, long partitions, OptionalLong rows, String rowsBasis, Optional<Duration> duration, String durationBasis) {

  /**
   * Returns a one-line summary such as {@code 31 slices, ~1,200,000 rows, ~12m at concurrency 4}.
   *
   * @return summary
   */
  public String describe() {
    return slices + " slices, " + partitions + " partitions, rows "
        + (rows.isPresent() ? String.format(java.util.Locale.ROOT, "~%,d", rows.getAsLong()) : "unknown") + " (" + rowsBasis + "), duration "
        + duration.map(CostEstimate::human).orElse("unknown") + " (" + durationBasis + ")";
  }

  /**
   * Formats a duration for people: {@code 250ms}, {@code ~42s}, {@code ~12m}, {@code ~3h10m}.
   *
   * @param d the duration
   * @return the text
   */
  public static String human(Duration d) {
    long s = d.toSeconds();
    if (s < 1) {
      return d.toMillis() + "ms";
    }
    if (s < 60) {
      return "~" + s + "s";
    }
    if (s < 3600) {
      return "~" + s / 60 + "m" + (s % 60 == 0 ? "" : s % 60 + "s");
    }
    return "~" + s / 3600 + "h" + (s % 3600 / 60 == 0 ? "" : s % 3600 / 60 + "m");
  }

  /**
   * What the planner measured, turned into an estimate once the plan's slices are known.
   *
   * @param rows summed source estimates of the planned partitions, or -1 when some are unknown
   * @param estimatedPartitions partitions the source estimated
   * @param estimatesAsked whether the source was asked for estimates
   * @param historyMillis summed duration shares of partitions with a recorded success
   * @param historyPartitions number of such partitions
   */
  record Inputs(long rows, long estimatedPartitions, boolean estimatesAsked, long historyMillis, long historyPartitions) {

    CostEstimate toEstimate(int slices, long partitions, PlanOptions options) {
      OptionalLong r;
      String rowsBasis;
      if (partitions == 0) {
        r = OptionalLong.of(0);
        rowsBasis = "nothing planned";
      } else if (!estimatesAsked) {
        r = OptionalLong.empty();
        rowsBasis = "estimates turned off";
      } else if (estimatedPartitions < partitions) {
        r = OptionalLong.empty();
        rowsBasis = estimatedPartitions == 0 ? "the source gives no estimates"
            : "the source estimated " + estimatedPartitions + " of " + partitions + " partitions";
      } else {
        r = OptionalLong.of(rows);
        rowsBasis = "source estimates";
      }
      Optional<Duration> d;
      String durationBasis;
      if (partitions == 0) {
        d = Optional.of(Duration.ZERO);
        durationBasis = "nothing planned";
      } else if (historyPartitions == 0) {
        d = Optional.empty();
        durationBasis = "no run history for this target";
      } else {
        double perPartition = (double) historyMillis / historyPartitions;
        long millis = Math.round(perPartition * partitions / options.concurrency());
        d = Optional.of(Duration.ofMillis(millis));
        durationBasis = String.format(java.util.Locale.ROOT, "%.0f ms per partition over %d past partitions, concurrency %d",
            perPartition, historyPartitions, options.concurrency());
      }
      return new CostEstimate(slices, partitions, r, rowsBasis, d, durationBasis);
    }
  }
}
