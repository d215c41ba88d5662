package dev.backfill;

import static java.util.Objects.requireNonNull;

import dev.backfill.spi.SliceAttempt;
import dev.backfill.spi.SliceRecord;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Optional;
import org.jspecify.annotations.Nullable;

/**
 * One slice of a run as the history shows it: its status, every finished attempt with its error and
 * log excerpt, the worker that holds or last held it, the timings and rows of its last attempt, and
 * its check results. From {@link RunDetails#slices()}.
 *
 * @param index position in the plan's execution order
 * @param key slice key (a partition key, or {@code first..last} for a batch)
 * @param partitions keys of the slice's partitions
 * @param status current status
 * @param attempts finished attempts, oldest first (an attempt whose worker died leaves none)
 * @param worker worker holding or last holding it, or null before the first claim
 * @param startedAt start of the last attempt, or null
 * @param finishedAt end of the last attempt, or null
 * @param leaseUntil end of the current lease of a RUNNING slice, in the store's time, or null
 * @param rows rows committed (or written by the last failed attempt)
 * @param error last error, or null
 * @param checks results of the last check evaluation, one line each
 * @param logExcerpt last log lines of the last attempt, or null when none were captured
 */
public record SliceHistory(int index, String key, List<String> partitions, SliceStatus status,
    List<Attempt> attempts, @Nullable String worker, @Nullable Instant startedAt, @Nullable Instant finishedAt,
    @Nullable Instant leaseUntil, long rows, @Nullable String error, List<String> checks,
    @Nullable String logExcerpt) {

  /**
   * One finished attempt at the slice.
   *
   * @param number attempt number, from 1
   * @param worker worker that made it
   * @param status how it ended: SUCCEEDED, FAILED, FAILED_CHECK or CANCELLED
   * @param startedAt its start, or null
   * @param finishedAt its end
   * @param rows rows written
   * @param error its error, or null
   * @param logExcerpt its last log lines, or null
   */
  public record Attempt(int number, String worker, SliceStatus status, @Nullable Instant startedAt,
      Instant finishedAt, long rows, @Nullable String error, @Nullable String logExcerpt) {

    /**
     * Validates the attempt.
     *
     * @param number attempt number
     * @param worker worker
     * @param status status
     * @param startedAt start
     * @param finishedAt end
     * @param rows rows
     * @param error error
     * @param logExcerpt log lines
     */
    public Attempt {
      requireNonNull(worker, "worker");
      requireNonNull(status, "status");
      requireNonNull(finishedAt, "finishedAt");
    }

    /**
     * Returns how long the attempt took.
     *
     * @return duration, when its start is known
     */
    public Optional<Duration> duration() {
      return startedAt == null ? Optional.empty() : Optional.of(Duration.between(startedAt, finishedAt));
    }
  }

  /**
   * Validates the slice.
   *
   * @param index index
   * @param key key
   * @param partitions partitions
   * @param status status
   * @param attempts attempts
   * @param worker worker
   * @param startedAt start
   * @param finishedAt end
   * @param leaseUntil lease end
   * @param rows rows
   * @param error error
   * @param checks checks
   * @param logExcerpt log lines
   */
  public SliceHistory {
    requireNonNull(key, "key");
    requireNonNull(status, "status");
    partitions = List.copyOf(partitions);
    attempts = List.copyOf(attempts);
    checks = List.copyOf(checks);
  }

  static SliceHistory of(SliceRecord r, List<SliceAttempt> attempts) {
    List<Attempt> mine = attempts.stream().filter(a -> a.index() == r.index())
        .map(a -> new Attempt(a.attempt(), a.worker(), a.status(), a.startedAt(), a.finishedAt(), a.rows(), a.error(),
            a.logExcerpt()))
        .toList();
    String excerpt = r.logExcerpt();
    if (excerpt == null && !mine.isEmpty() && mine.get(mine.size() - 1).number() == r.attempt()) {
      excerpt = mine.get(mine.size() - 1).logExcerpt();
    }
    return new SliceHistory(r.index(), r.key(), r.partitions(), r.status(), mine, r.worker(), r.startedAt(),
        r.finishedAt(), r.status() == SliceStatus.RUNNING ? r.leaseUntil() : null, r.rows(), r.error(), r.checks(),
        excerpt);
  }

  /**
   * Returns the duration of the last attempt.
   *
   * @return duration, when it finished
   */
  public Optional<Duration> duration() {
    return startedAt == null || finishedAt == null ? Optional.empty() : Optional.of(Duration.between(startedAt, finishedAt));
  }

  /**
   * Returns how many attempts failed and were retried.
   *
   * @return retried attempts
   */
  public int retries() {
    return (int) attempts.stream().filter(a -> a.status() == SliceStatus.FAILED).count()
        - (status == SliceStatus.FAILED ? 1 : 0);
  }

  /**
   * Tells whether the slice covers a partition or has this key.
   *
   * @param keyOrPartition a slice key or one of its partition keys
   * @return true when it does
   */
  public boolean covers(String keyOrPartition) {
    return key.equals(keyOrPartition) || partitions.contains(keyOrPartition);
  }

  /**
   * Returns the log of every attempt, oldest first, each under a header line; empty when no lines
   * were captured.
   *
   * @return the log text
   */
  public String log() {
    StringBuilder s = new StringBuilder();
    for (Attempt a : attempts) {
      if (a.logExcerpt() != null) {
        s.append("--- attempt ").append(a.number()).append(" (").append(a.status()).append(", worker ")
            .append(a.worker()).append(") ---\n").append(a.logExcerpt()).append('\n');
      }
    }
    if (s.length() == 0 && logExcerpt != null) {
      s.append(logExcerpt).append('\n');
    }
    return s.toString();
  }
}
