package dev.backfill;

import static java.util.Objects.requireNonNull;

import dev.backfill.spi.RunRecord;
import java.time.Instant;
import java.util.Optional;
import org.jspecify.annotations.Nullable;

/**
 * One run of a target as the history shows it, from {@link Backfill#runs()}: its id, status, when it
 * was created and finished, its guarantee and how it ended in words.
 *
 * @param runId run id, to resume or report on
 * @param target target name
 * @param status current status
 * @param logicVersion logic version of the backfill that created the run ("" when unset)
 * @param guarantee exactly-once or at-least-once for the run's slices
 * @param slices number of slices
 * @param createdAt when the run was created
 * @param finishedAt when it last finished, or null while it runs
 * @param message how it ended, or ""
 */
public record RunSummary(String runId, String target, RunStatus status, String logicVersion, Guarantee guarantee,
    int slices, Instant createdAt, @Nullable Instant finishedAt, String message) {

  /**
   * Validates the summary.
   *
   * @param runId run id
   * @param target target
   * @param status status
   * @param logicVersion logic version
   * @param guarantee guarantee
   * @param slices slice count
   * @param createdAt creation time
   * @param finishedAt finish time or null
   * @param message message
   */
  public RunSummary {
    requireNonNull(runId, "runId");
    requireNonNull(target, "target");
    requireNonNull(status, "status");
    requireNonNull(logicVersion, "logicVersion");
    requireNonNull(guarantee, "guarantee");
    requireNonNull(createdAt, "createdAt");
    requireNonNull(message, "message");
  }

  /**
   * Summarises a stored run.
   *
   * @param r the store's record
   * @return the summary
   */
  static RunSummary of(RunRecord r) {
    return new RunSummary(r.runId(), r.target(), r.status(), r.logicVersion(), r.guarantee(), r.sliceCount(),
        r.createdAt(), r.finishedAt(), r.message());
  }

  /**
   * Returns when the run last finished.
   *
   * @return the finish time, empty while it runs
   */
  public Optional<Instant> finished() {
    return Optional.ofNullable(finishedAt);
  }
}
