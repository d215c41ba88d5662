package dev.backfill;

import dev.backfill.internal.RateBounds;
import java.math.BigDecimal;
import java.time.Duration;
import java.util.Locale;
import java.util.Optional;
import java.util.OptionalLong;

/**
 * What a plan is expected to cost. Figures are only given where there is a basis: the source's row
 * estimates, durations from this target's run history and, for a run with given options
 * ({@link BackfillPlan#cost(ExecutionOptions)}), its rate limits; otherwise they are unknown, never guessed.
 *
 * <p>Durations from history are the past slices' wall-clock times, so the retries and backoff those
 * slices went through are inside them; there is no separate retry model.
 *
 * @param slices slices to run
 * @param partitions partitions to run
 * @param rows estimated rows, when the source estimated every planned partition
 * @param rowsBasis how the rows figure was obtained, or why it is unknown
 * @param duration expected wall-clock duration at the plan's concurrency, when history exists; for a run
 *     with given options, at its concurrency and no shorter than its rate limits allow, and without
 *     history the lower bound its rate limits alone give
 * @param durationBasis how the duration was obtained (saying "at least" when it is a lower bound), or why
 *     it is unknown
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

    /** The estimate at the plan's concurrency, with no rate limits: what budgets and confirmations weigh. */
    CostEstimate toEstimate(int slices, long partitions, PlanOptions options) {
      return toEstimate(slices, partitions, options.concurrency(), 0, 0, 0);
    }

    /** The estimate of a run with these options: its concurrency, bounded by its rate limits. */
    CostEstimate toEstimate(int slices, long partitions, ExecutionOptions options) {
      return toEstimate(slices, partitions, options.maxConcurrency(), options.slicesPerSecond(), options.rowsPerSecond(),
          options.requestsPerSecond());
    }

    private CostEstimate toEstimate(int slices, long partitions, int concurrency, double slicesPerSecond,
        long rowsPerSecond, double requestsPerSecond) {
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
      if (partitions == 0) {
        return new CostEstimate(slices, partitions, r, rowsBasis, Optional.of(Duration.ZERO), "nothing planned");
      }
      // The tightest rate limit: slices of a run queue for it however many run at once.
      double limitNanos = RateBounds.atLimit(slices, slicesPerSecond);
      String limit = limitNanos > 0 ? "the limit of " + rate(slicesPerSecond, "slice") + " (" + slices + " slices)" : "";
      double rowNanos = r.isPresent() ? RateBounds.atLimit(r.getAsLong(), rowsPerSecond) : 0;
      if (rowNanos > limitNanos) {
        limitNanos = rowNanos;
        limit = "the limit of " + rate(rowsPerSecond, "row") + String.format(Locale.ROOT, " (~%,d rows)", r.getAsLong());
      }
      StringBuilder uncounted = new StringBuilder();
      if (rowsPerSecond > 0 && r.isEmpty()) {
        uncounted.append("; the limit of ").append(rate(rowsPerSecond, "row")).append(" is not counted: rows are unknown");
      }
      if (requestsPerSecond > 0) {
        uncounted.append("; the limit of ").append(rate(requestsPerSecond, "request"))
            .append(" is not counted: requests per slice are unknown before a run");
      }
      if (historyPartitions == 0) {
        if (limitNanos == 0) {
          return new CostEstimate(slices, partitions, r, rowsBasis, Optional.empty(), "no run history for this target" + uncounted);
        }
        // Without history the limit is all there is: slices take no time at all in this figure, so it is a lower bound.
        Duration atLeast = millis(limitNanos);
        return new CostEstimate(slices, partitions, r, rowsBasis, Optional.of(atLeast),
            "at least " + human(atLeast).replace("~", "") + " at " + limit + "; no run history for this target, so it may take longer" + uncounted);
      }
      double perPartition = (double) historyMillis / historyPartitions;
      double historyNanos = RateBounds.onLanes(perPartition * 1e6 * partitions / slices, slices, concurrency);
      String history = String.format(Locale.ROOT, "%.0f ms per partition over %d past partitions, concurrency %d",
          perPartition, historyPartitions, concurrency);
      if (limitNanos > historyNanos) {
        return new CostEstimate(slices, partitions, r, rowsBasis, Optional.of(millis(limitNanos)),
            "set by " + limit + "; history alone gives " + human(millis(historyNanos)) + " (" + history + ")" + uncounted);
      }
      return new CostEstimate(slices, partitions, r, rowsBasis, Optional.of(millis(historyNanos)), history + uncounted);
    }

    private static Duration millis(double nanos) {
      return Duration.ofMillis(Math.round(nanos / 1e6));
    }

    /** {@code 1 slice/s}, {@code 0.5 slices/s}, {@code 1,000 rows/s}. */
    private static String rate(double perSecond, String unit) {
      String n = perSecond == Math.rint(perSecond) ? String.format(Locale.ROOT, "%,d", (long) perSecond)
          : BigDecimal.valueOf(perSecond).stripTrailingZeros().toPlainString();
      return n + " " + unit + (perSecond == 1 ? "" : "s") + "/s";
    }
  }
}
