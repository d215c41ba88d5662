package dev.backfill.spi;

import static java.util.Objects.requireNonNull;

import dev.backfill.SliceStats;
import dev.backfill.SliceStatus;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Optional;
import org.jspecify.annotations.Nullable;

/**
 * One slice of a run as the state store keeps it.
 *
 * @param runId run id
 * @param index position in the plan's execution order
 * @param key slice key ({@code first..last} for a batch)
 * @param partitions keys of the slice's partitions
 * @param status current status
 * @param attempt attempts started so far (0 before the first)
 * @param version fencing token; every claim increases it, and a commit must present the current one
 * @param worker id of the worker holding or last holding it
 * @param leaseUntil end of the current lease, in the store's time
 * @param startedAt start of the last attempt
 * @param finishedAt end of the last attempt
 * @param rows rows committed (or written by the last failed attempt)
 * @param error last error message
 * @param checks results of the last check evaluation, one line each
 * @param logExcerpt last log lines of the slice, when captured
 * @param stats what the last attempt's writer measured (rows only when unknown)
 */
public record SliceRecord(
    String runId,
    int index,
    String key,
    List<String> partitions,
    SliceStatus status,
    int attempt,
    long version,
    @Nullable String worker,
    @Nullable Instant leaseUntil,
    @Nullable Instant startedAt,
    @Nullable Instant finishedAt,
    long rows,
    @Nullable String error,
    List<String> checks,
    @Nullable String logExcerpt,
    SliceStats stats) {

  /**
   * Validates the record.
   *
   * @param runId run id
   * @param index index
   * @param key slice key
   * @param partitions partition keys
   * @param status status
   * @param attempt attempts
   * @param version fencing token
   * @param worker worker id
   * @param leaseUntil lease end
   * @param startedAt attempt start
   * @param finishedAt attempt end
   * @param rows rows
   * @param error last error
   * @param checks check results
   * @param logExcerpt log lines
   * @param stats measured stats
   */
  public SliceRecord {
    requireNonNull(runId, "runId");
    requireNonNull(key, "key");
    requireNonNull(status, "status");
    partitions = List.copyOf(partitions);
    checks = List.copyOf(checks);
    requireNonNull(stats, "stats");
  }

  /**
   * Creates a record whose stats are only its row count.
   *
   * @param runId run id
   * @param index index
   * @param key slice key
   * @param partitions partition keys
   * @param status status
   * @param attempt attempts
   * @param version fencing token
   * @param worker worker id
   * @param leaseUntil lease end
   * @param startedAt attempt start
   * @param finishedAt attempt end
   * @param rows rows
   * @param error last error
   * @param checks check results
   * @param logExcerpt log lines
   */
  public SliceRecord(String runId, int index, String key, List<String> partitions, SliceStatus status, int attempt,
      long version, @Nullable String worker, @Nullable Instant leaseUntil, @Nullable Instant startedAt,
      @Nullable Instant finishedAt, long rows, @Nullable String error, List<String> checks, @Nullable String logExcerpt) {
    this(runId, index, key, partitions, status, attempt, version, worker, leaseUntil, startedAt, finishedAt, rows, error,
        checks, logExcerpt, SliceStats.ofRows(Math.max(0, rows)));
  }

  /**
   * A new slice waiting for its first attempt.
   *
   * @param runId run id
   * @param index index
   * @param key slice key
   * @param partitions partition keys
   * @return the pending record
   */
  public static SliceRecord pending(String runId, int index, String key, List<String> partitions) {
    return new SliceRecord(runId, index, key, partitions, SliceStatus.PENDING, 0, 0, null, null, null, null, 0, null,
        List.of(), null);
  }

  /**
   * Returns the duration of the last attempt.
   *
   * @return duration, when the attempt finished
   */
  public Optional<Duration> duration() {
    return startedAt == null || finishedAt == null ? Optional.empty() : Optional.of(Duration.between(startedAt, finishedAt));
  }
}
