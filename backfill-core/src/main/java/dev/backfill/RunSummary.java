package dev.backfill;

import static java.util.Objects.requireNonNull;

import dev.backfill.spi.RunRecord;
import java.time.Instant;
import java.util.EnumMap;
import java.util.Map;
import java.util.Optional;
import org.jspecify.annotations.Nullable;

/**
 * One run as the history lists it, from {@link RunHistory#runs} and {@link Backfill#runs()}: its id,
 * status, when it was created and finished, its guarantee, how many slices are in which status, who
 * started it, how it ended in words, and whether it is stalled.
 *
 * <p>A run is <b>stalled</b> when it is still RUNNING (or FINISHING) in the state store but every
 * worker stopped heartbeating and every slice lease expired: the process died. Resume it
 * ({@link Backfill#resume}) or mark it failed ({@link RunHistory#markFailed}).
 *
 * @param runId run id, to resume or report on
 * @param target target name
 * @param status current status in the state store
 * @param logicVersion logic version of the backfill that created the run ("" when unset)
 * @param guarantee exactly-once or at-least-once for the run's slices
 * @param slices number of slices
 * @param createdAt when the run was created
 * @param finishedAt when it last finished, or null while it runs
 * @param message how it ended, or ""
 * @param counts slices by status (only statuses present)
 * @param startedBy who started the run ({@code user@host}), or "" when not recorded
 * @param stalledSince when the last worker stopped vouching for a RUNNING run, or null when the run is
 *     live or has ended
 */
public record RunSummary(String runId, String target, RunStatus status, String logicVersion, Guarantee guarantee,
    int slices, Instant createdAt, @Nullable Instant finishedAt, String message, Map<SliceStatus, Integer> counts,
    String startedBy, @Nullable Instant stalledSince) {

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
   * @param counts slices by status
   * @param startedBy who started it
   * @param stalledSince when it stalled, or null
   */
  public RunSummary {
    requireNonNull(runId, "runId");
    requireNonNull(target, "target");
    requireNonNull(status, "status");
    requireNonNull(logicVersion, "logicVersion");
    requireNonNull(guarantee, "guarantee");
    requireNonNull(createdAt, "createdAt");
    requireNonNull(message, "message");
    requireNonNull(startedBy, "startedBy");
    counts = counts.isEmpty() ? Map.of() : Map.copyOf(new EnumMap<>(counts));
  }

  /**
   * Summarises a stored run without counts or liveness.
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
  public RunSummary(String runId, String target, RunStatus status, String logicVersion, Guarantee guarantee,
      int slices, Instant createdAt, @Nullable Instant finishedAt, String message) {
    this(runId, target, status, logicVersion, guarantee, slices, createdAt, finishedAt, message, Map.of(), "", null);
  }

  static RunSummary of(RunRecord r, Map<SliceStatus, Integer> counts, String startedBy, @Nullable Instant stalledSince) {
    return new RunSummary(r.runId(), r.target(), r.status(), r.logicVersion(), r.guarantee(), r.sliceCount(),
        r.createdAt(), r.finishedAt(), r.message(), counts, startedBy, stalledSince);
  }

  /**
   * Returns when the run last finished.
   *
   * @return the finish time, empty while it runs
   */
  public Optional<Instant> finished() {
    return Optional.ofNullable(finishedAt);
  }

  /**
   * Tells whether the run is stalled: RUNNING in the store with no live worker.
   *
   * @return true when stalled
   */
  public boolean stalled() {
    return stalledSince != null;
  }

  /**
   * Returns the status as an operator reads it: the stored status, or {@code STALLED} for a stalled run.
   *
   * @return e.g. {@code RUNNING}, {@code STALLED}, {@code SUCCEEDED}
   */
  public String state() {
    return stalled() ? "STALLED" : status.name();
  }

  /**
   * Counts slices with one status.
   *
   * @param s the status
   * @return how many slices have it
   */
  public int count(SliceStatus s) {
    return counts.getOrDefault(s, 0);
  }

  /**
   * Counts slices that are done: succeeded, failed, failed their checks, cancelled or skipped.
   *
   * @return slices no longer pending or running
   */
  public int done() {
    return slices - count(SliceStatus.PENDING) - count(SliceStatus.RUNNING);
  }
}
