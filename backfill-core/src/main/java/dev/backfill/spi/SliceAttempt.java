package dev.backfill.spi;

import static java.util.Objects.requireNonNull;

import dev.backfill.SliceStatus;
import java.time.Instant;
import org.jspecify.annotations.Nullable;

/**
 * One finished attempt at a slice, as kept in the state store's append-only attempt history. A
 * retried attempt ends FAILED and is followed by the next one; an attempt whose worker died or lost
 * its lease leaves no entry (its number is skipped). Committed slices have exactly one SUCCEEDED
 * attempt, which is how crash tests prove that nothing was committed twice.
 *
 * @param runId run id
 * @param index slice index
 * @param key slice key
 * @param attempt attempt number, from 1
 * @param worker worker that made the attempt
 * @param status how it ended: SUCCEEDED, FAILED, FAILED_CHECK or CANCELLED
 * @param startedAt start of the attempt
 * @param finishedAt end of the attempt
 * @param rows rows written
 * @param error error message, or null
 * @param logExcerpt the last log lines of the attempt (see {@link SliceLogs}), or null when none were captured
 */
public record SliceAttempt(String runId, int index, String key, int attempt, String worker, SliceStatus status,
    @Nullable Instant startedAt, Instant finishedAt, long rows, @Nullable String error, @Nullable String logExcerpt) {

  /**
   * Validates the attempt.
   *
   * @param runId run id
   * @param index slice index
   * @param key slice key
   * @param attempt attempt number
   * @param worker worker id
   * @param status outcome
   * @param startedAt start
   * @param finishedAt end
   * @param rows rows
   * @param error error
   * @param logExcerpt log lines
   */
  public SliceAttempt {
    requireNonNull(runId, "runId");
    requireNonNull(key, "key");
    requireNonNull(worker, "worker");
    requireNonNull(status, "status");
    requireNonNull(finishedAt, "finishedAt");
  }

  /**
   * An attempt without a log excerpt.
   *
   * @param runId run id
   * @param index slice index
   * @param key slice key
   * @param attempt attempt number
   * @param worker worker id
   * @param status outcome
   * @param startedAt start
   * @param finishedAt end
   * @param rows rows
   * @param error error
   */
  public SliceAttempt(String runId, int index, String key, int attempt, String worker, SliceStatus status,
      @Nullable Instant startedAt, Instant finishedAt, long rows, @Nullable String error) {
    this(runId, index, key, attempt, worker, status, startedAt, finishedAt, rows, error, null);
  }
}
