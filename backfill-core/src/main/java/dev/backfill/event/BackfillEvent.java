package dev.backfill.event;

import dev.backfill.CheckResult;
import dev.backfill.Progress;
import dev.backfill.RunReport;
import dev.backfill.SliceStatus;
import java.time.Duration;
import java.time.Instant;

/**
 * Something that happened during a run, delivered to {@link BackfillListener}s in order, on a
 * dispatcher thread so that listeners never block slice workers.
 *
 * <pre>{@code
 * BackfillListener listener = event -> {
 *   if (event instanceof BackfillEvent.SliceFailed f) {
 *     alerts.send(f.sliceKey() + ": " + f.error());
 *   } else if (event instanceof BackfillEvent.RunFinished r) {
 *     log.info("{}", r.report().summary());
 *   }
 * };
 * }</pre>
 */
public sealed interface BackfillEvent {

  /**
   * Returns the run the event belongs to.
   *
   * @return run id
   */
  String runId();

  /**
   * A run started or resumed.
   *
   * @param runId run id
   * @param target target name
   * @param slices slices to run in this session
   * @param resumed true for a resume
   * @param at when
   */
  record RunStarted(String runId, String target, int slices, boolean resumed, Instant at) implements BackfillEvent {}

  /**
   * A run ended (succeeded, failed or cancelled).
   *
   * @param runId run id
   * @param report the final report
   */
  record RunFinished(String runId, RunReport report) implements BackfillEvent {}

  /**
   * A run stopped starting slices before its end (its failure policy's limit was reached, or the
   * state store failed); running slices finish, the rest will be SKIPPED. When a slice's failure
   * causes the stop, this event comes just before that slice's {@link SliceFailed}.
   *
   * @param runId run id
   * @param reason why it stops
   */
  record RunStopping(String runId, String reason) implements BackfillEvent {}

  /**
   * An attempt at a slice started.
   *
   * @param runId run id
   * @param sliceKey slice key
   * @param index slice index
   * @param attempt attempt number, from 1
   * @param at when
   */
  record SliceStarted(String runId, String sliceKey, int index, int attempt, Instant at) implements BackfillEvent {}

  /**
   * A slice committed.
   *
   * @param runId run id
   * @param sliceKey slice key
   * @param index slice index
   * @param attempt attempt that succeeded
   * @param rows rows committed
   * @param duration duration of the successful attempt
   */
  record SliceSucceeded(String runId, String sliceKey, int index, int attempt, long rows, Duration duration)
      implements BackfillEvent {}

  /**
   * A slice ended without committing: FAILED, FAILED_CHECK or CANCELLED.
   *
   * @param runId run id
   * @param sliceKey slice key
   * @param index slice index
   * @param attempt last attempt
   * @param status final status
   * @param error what went wrong
   * @param duration duration of the last attempt
   */
  record SliceFailed(String runId, String sliceKey, int index, int attempt, SliceStatus status, String error,
      Duration duration) implements BackfillEvent {}

  /**
   * An attempt failed transiently and will be retried after a backoff.
   *
   * @param runId run id
   * @param sliceKey slice key
   * @param index slice index
   * @param failedAttempt attempt that failed
   * @param error what went wrong
   * @param backoff wait before the next attempt
   */
  record SliceRetrying(String runId, String sliceKey, int index, int failedAttempt, String error, Duration backoff)
      implements BackfillEvent {}

  /**
   * A check was evaluated on a slice before its commit.
   *
   * @param runId run id
   * @param sliceKey slice key
   * @param index slice index
   * @param result the result
   */
  record CheckEvaluated(String runId, String sliceKey, int index, CheckResult result) implements BackfillEvent {}

  /**
   * The run's progress changed: slices done of total, failed, retried, rows, throughput, ETA and skew
   * outliers. Sent at most once a second while something changes, and once more just before
   * {@link RunFinished}; a console progress bar or a metrics binder listens for it.
   *
   * @param runId run id
   * @param progress the snapshot
   */
  record ProgressUpdated(String runId, Progress progress) implements BackfillEvent {}
}
