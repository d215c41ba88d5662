package dev.backfill.spi;

import static java.util.Objects.requireNonNull;

import dev.backfill.CheckResult;
import dev.backfill.SliceStats;
import dev.backfill.SliceStatus;
import java.time.Instant;
import java.util.List;
import org.jspecify.annotations.Nullable;

/**
 * How an attempt at a slice ended, as recorded by {@link StateStore#complete}.
 *
 * @param status final status: SUCCEEDED, FAILED, FAILED_CHECK or CANCELLED
 * @param rows rows written (committed when SUCCEEDED)
 * @param startedAt start of the attempt
 * @param finishedAt end of the attempt
 * @param error error message, or null
 * @param checks check results
 * @param logExcerpt last log lines of the slice, or null
 * @param stats what the writer measured (rows, nulls per column, metrics), kept with the slice so a
 *     resumed run's run-level checks see every slice
 */
public record SliceOutcome(
    SliceStatus status,
    long rows,
    Instant startedAt,
    Instant finishedAt,
    @Nullable String error,
    List<CheckResult> checks,
    @Nullable String logExcerpt,
    SliceStats stats) {

  /**
   * Validates the outcome.
   *
   * @param status final status
   * @param rows rows
   * @param startedAt start
   * @param finishedAt end
   * @param error error
   * @param checks check results
   * @param logExcerpt log lines
   * @param stats measured stats
   */
  public SliceOutcome {
    requireNonNull(status, "status");
    requireNonNull(startedAt, "startedAt");
    requireNonNull(finishedAt, "finishedAt");
    checks = List.copyOf(checks);
    requireNonNull(stats, "stats");
  }

  /**
   * Creates an outcome whose stats are only its row count.
   *
   * @param status final status
   * @param rows rows
   * @param startedAt start
   * @param finishedAt end
   * @param error error
   * @param checks check results
   * @param logExcerpt log lines
   */
  public SliceOutcome(SliceStatus status, long rows, Instant startedAt, Instant finishedAt, @Nullable String error,
      List<CheckResult> checks, @Nullable String logExcerpt) {
    this(status, rows, startedAt, finishedAt, error, checks, logExcerpt, SliceStats.ofRows(Math.max(0, rows)));
  }
}
